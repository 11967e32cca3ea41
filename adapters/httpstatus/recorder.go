package httpstatus

import "net/http"

// Recorder is an http.ResponseWriter that remembers the first status code
// written through it. The zero value is not usable; wrap with NewRecorder.
type Recorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

// NewRecorder wraps w.
func NewRecorder(w http.ResponseWriter) *Recorder { return &Recorder{ResponseWriter: w} }

// WriteHeader records code, then passes it on.
func (r *Recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 if nothing was written yet, then passes b on.
func (r *Recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Wrote reports whether a status has been sent.
func (r *Recorder) Wrote() bool { return r.wrote }

// Status is the status sent, or 200 if the handler wrote nothing (which
// net/http answers with 200).
func (r *Recorder) Status() int {
	if !r.wrote {
		return http.StatusOK
	}
	return r.code
}
