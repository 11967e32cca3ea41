package handlers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// writeFileAtomic writes data to dir/name so that readers see either the
// old file or the complete new one, never a partial write: it writes a
// temporary file in dir, syncs it and renames it into place. The directory
// is created when missing. If ctx ends first, nothing is renamed.
func writeFileAtomic(ctx context.Context, dir, name string, data []byte) (err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create report directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("create temporary report: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("write temporary report: %w", err)
	}
	if err := os.Chmod(tmp, 0o640); err != nil {
		return fmt.Errorf("chmod temporary report: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("rename report into place: %w", err)
	}
	return nil
}
