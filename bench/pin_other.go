//go:build !linux

package main

import "errors"

// pinCPUs is Linux only (sched_setaffinity).
func pinCPUs(int) (string, error) { return "", errors.New("only on Linux") }
