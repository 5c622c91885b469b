package fit

import (
	"fmt"
	"io"
	"strings"
)

// Kind is a span's kind, as OTLP numbers it (Zipkin's kinds map onto it).
type Kind int

// The span kinds of OTLP.
const (
	KindUnspecified Kind = iota
	KindInternal
	KindServer
	KindClient
	KindProducer
	KindConsumer
)

// Span is one span, reduced to what a fit reads. Times are Unix
// nanoseconds.
type Span struct {
	Trace, ID, Parent string
	Service, Name     string
	Kind              Kind
	Start, End        int64
	// Error is true when the span's status is an error (OTLP status code
	// 2, or a Zipkin "error" tag); Timeout when its error is a timeout
	// (error.type "timeout", or a status message naming a timeout or a
	// deadline).
	Error, Timeout bool
	// Peer is the service a client span calls (peer.service), if given.
	Peer string
}

// server says whether the span is the serving side of a request.
func (s *Span) server() bool { return s.Kind == KindServer || s.Kind == KindConsumer }

// client says whether the span is the calling side of a request.
func (s *Span) client() bool { return s.Kind == KindClient || s.Kind == KindProducer }

// isTimeout reads a timeout from an error type or status message.
func isTimeout(errType, msg string) bool {
	m := strings.ToLower(errType + " " + msg)
	return strings.Contains(m, "timeout") || strings.Contains(m, "timed out") || strings.Contains(m, "deadline")
}

// InputError is bad input, located in its file: the byte offset and, when
// the reader could tell, the line and column.
type InputError struct {
	File         string
	Offset       int64
	Line, Column int
	Msg          string
}

func (e *InputError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	case e.Offset > 0:
		return fmt.Sprintf("%s: byte %d: %s", e.File, e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// lineReader passes bytes through and remembers the last few chunks it
// read, so that a byte offset the JSON decoder reports can be turned into
// a line and column without holding the file.
type lineReader struct {
	r      io.Reader
	off    int64 // bytes read so far
	lines  int   // newlines before the oldest kept chunk
	chunks []lineChunk
}

type lineChunk struct {
	start int64
	data  []byte
}

const keptChunks = 4

func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if n > 0 {
		if len(l.chunks) == keptChunks {
			l.lines += strings.Count(string(l.chunks[0].data), "\n")
			l.chunks = l.chunks[1:]
		}
		l.chunks = append(l.chunks, lineChunk{start: l.off, data: append([]byte(nil), p[:n]...)})
		l.off += int64(n)
	}
	return n, err
}

// locate gives the line and column (1-based) of byte offset off, or 0, 0
// when off is before the chunks kept.
func (l *lineReader) locate(off int64) (line, col int) {
	if len(l.chunks) == 0 || off < l.chunks[0].start {
		return 0, 0
	}
	line, col = l.lines+1, 1
	lastNL := int64(-1)
	for _, c := range l.chunks {
		for i, b := range c.data {
			pos := c.start + int64(i)
			if pos >= off {
				return line, int(off - lastNL)
			}
			if b == '\n' {
				line++
				lastNL = pos
			}
		}
	}
	return line, int(off - lastNL)
}

func (l *lineReader) errorAt(file string, off int64, format string, args ...any) *InputError {
	line, col := l.locate(off)
	return &InputError{File: file, Offset: off, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}
