//go:build !unix

package main

import "errors"

// mkfifo: no named pipes here; the contract test skips that row.
func mkfifo(string) error { return errors.ErrUnsupported }
