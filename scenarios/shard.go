package scenarios

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// A shard file is JSON lines: a header with the batch's metadata and the
// shard's place, then one record per run the shard ran, in run order.
// Merging reads every shard of a batch, checks they belong together and
// cover every run exactly once, and assembles the records in run order,
// as the unsharded run does: the result is the same, byte for byte.

// shardVersion is the version of the shard file format.
const shardVersion = 1

type shardHeader struct {
	Format string `json:"stampede_shard"`
	Shard  int    `json:"shard"`
	Of     int    `json:"of"`
	Meta   *meta  `json:"meta"`
}

// ShardFileName is the name a shard's file gets in its output directory.
func ShardFileName(sh Shard) string {
	return fmt.Sprintf("shard-%d-of-%d.jsonl", sh.I, sh.N)
}

// RunShard runs the sh.I-th of sh.N slices of the batch's (sweep point x
// replication) runs, every variant of each, and writes the shard file to
// w. Runs are dealt round-robin, so each shard gets a similar mix.
func RunShard(s *Scenario, opts Options, sh Shard, w io.Writer) error {
	if sh.N < 1 || sh.I < 1 || sh.I > sh.N {
		return fmt.Errorf("shard %d/%d: want 1 <= i <= n", sh.I, sh.N)
	}
	p, err := prepare(s, opts)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	hdr, err := json.Marshal(shardHeader{Format: "v" + strconv.Itoa(shardVersion), Shard: sh.I, Of: sh.N, Meta: p.meta})
	if err != nil {
		return err
	}
	bw.Write(hdr)
	bw.WriteByte('\n')
	var idxs []int
	for i := range p.runs() {
		if p.unit(i)%sh.N == sh.I-1 {
			idxs = append(idxs, i)
		}
	}
	err = p.execute(idxs, &opts, func(rec *runRecord) error {
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		bw.Write(b)
		return bw.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// shardReader reads one shard file.
type shardReader struct {
	name string
	r    *bufio.Reader
	hdr  shardHeader
	next *runRecord
}

func (s *shardReader) advance() error {
	line, err := s.r.ReadBytes('\n')
	if len(bytes.TrimSpace(line)) == 0 {
		if err == io.EOF || err == nil {
			s.next = nil
			return nil
		}
		return fmt.Errorf("%s: %w", s.name, err)
	}
	rec := &runRecord{}
	if err := json.Unmarshal(line, rec); err != nil {
		return fmt.Errorf("%s: bad run record: %w", s.name, err)
	}
	if s.next != nil && rec.I <= s.next.I {
		return fmt.Errorf("%s: runs out of order (%d after %d)", s.name, rec.I, s.next.I)
	}
	s.next = rec
	return nil
}

// NamedReader is a shard file's content and the name errors use.
type NamedReader struct {
	Name string
	R    io.Reader
}

// Merge combines the shard files of one batch into its result, exactly
// as the unsharded run would have produced it. Every shard must be there
// once, from the same scenario and options.
func Merge(shards []NamedReader) (*Result, error) {
	if len(shards) == 0 {
		return nil, errors.New("no shard files to merge")
	}
	var rs []*shardReader
	var m *meta
	var metaJSON []byte
	seen := map[int]string{}
	n := 0
	for _, sh := range shards {
		r := &shardReader{name: sh.Name, r: bufio.NewReaderSize(sh.R, 1<<16)}
		line, err := r.r.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", sh.Name, err)
		}
		if err := json.Unmarshal(line, &r.hdr); err != nil || r.hdr.Meta == nil || r.hdr.Format != "v"+strconv.Itoa(shardVersion) {
			return nil, fmt.Errorf("%s: not a stampede shard file (version %d)", sh.Name, shardVersion)
		}
		mj, _ := json.Marshal(r.hdr.Meta)
		switch {
		case m == nil:
			m, metaJSON, n = r.hdr.Meta, mj, r.hdr.Of
		case !bytes.Equal(mj, metaJSON):
			return nil, fmt.Errorf("%s: from a different batch than %s (scenario, options or version differ: fingerprint %s vs %s)",
				sh.Name, rs[0].name, r.hdr.Meta.Fingerprint, m.Fingerprint)
		case r.hdr.Of != n:
			return nil, fmt.Errorf("%s: shard %d of %d, but %s is one of %d", sh.Name, r.hdr.Shard, r.hdr.Of, rs[0].name, n)
		}
		if prev, dup := seen[r.hdr.Shard]; dup {
			return nil, fmt.Errorf("%s: shard %d/%d is also in %s", sh.Name, r.hdr.Shard, n, prev)
		}
		seen[r.hdr.Shard] = sh.Name
		if err := r.advance(); err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	var missing []int
	for i := 1; i <= n; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shards missing: %v of %d (have %d)", missing, n, len(seen))
	}
	a := newAssembler(m)
	for {
		var best *shardReader
		for _, r := range rs {
			if r.next != nil && (best == nil || r.next.I < best.next.I) {
				best = r
			}
		}
		if best == nil {
			break
		}
		if err := a.add(best.next); err != nil {
			return nil, fmt.Errorf("%s: %w", best.name, err)
		}
		if err := best.advance(); err != nil {
			return nil, err
		}
	}
	return a.result()
}
