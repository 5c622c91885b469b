package strategies

import "testing"

func TestReasonRoundTrip(t *testing.T) {
	for r := Reason(0); r < numReasons; r++ {
		got, err := ParseReason(r.String())
		if err != nil || got != r {
			t.Errorf("ParseReason(%q) = %v, %v; want %v", r.String(), got, err, r)
		}
	}
	if len(Reasons()) != 16 {
		t.Errorf("Reasons() has %d reasons, want 16", len(Reasons()))
	}
	if _, err := ParseReason("oops"); err == nil {
		t.Error("ParseReason(oops) succeeded")
	}
	if s := Reason(200).String(); s != "reason(200)" {
		t.Errorf("Reason(200).String() = %q", s)
	}
}

func TestReasonSet(t *testing.T) {
	s, err := ParseReasonSet("timeout, shed,rate_limited")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Has(ReasonTimeout) || !s.Has(ReasonShed) || !s.Has(ReasonRateLimited) || s.Has(ReasonError) {
		t.Errorf("set %v has the wrong members", s)
	}
	if s.Len() != 3 || s.String() != "timeout,shed,rate_limited" {
		t.Errorf("set = %q (len %d)", s, s.Len())
	}
	if e, _ := ParseReasonSet(" "); e != 0 {
		t.Errorf("empty set = %v", e)
	}
	if _, err := ParseReasonSet("timeout,bogus"); err == nil {
		t.Error("ParseReasonSet with an unknown reason succeeded")
	}
	if ReasonSet(0).Has(Reason(40)) {
		t.Error("out-of-range reason reported present")
	}
}
