package format

import "testing"

// TestLookupChangesNothing: Lookup finds what Resolve finds, but a path
// through a nil pointer is not found and the pointer stays nil.
func TestLookupChangesNothing(t *testing.T) {
	type queue struct {
		Limit int `toml:"limit"`
	}
	type service struct {
		Name  string `toml:"name"`
		Queue *queue `toml:"queue"`
	}
	type world struct {
		Services []service `toml:"services"`
	}
	w := &world{Services: []service{{Name: "api"}, {Name: "db", Queue: &queue{Limit: 3}}}}
	if v, ok := Lookup(w, "services.db.queue.limit"); !ok || v.Int() != 3 || !v.CanSet() {
		t.Errorf("services.db.queue.limit: %v %v", v, ok)
	}
	if _, ok := Lookup(w, "services.api.queue.limit"); ok || w.Services[0].Queue != nil {
		t.Errorf("found a key behind a nil pointer, or allocated it: %+v", w.Services[0])
	}
	if _, ok := Lookup(w, "services.1.queue"); !ok {
		t.Error("services.1.queue not found by index")
	}
	if _, _, err := Resolve(w, "services.api.queue.limit"); err != nil || w.Services[0].Queue == nil {
		t.Errorf("Resolve did not allocate the queue: %v", err)
	}
}
