//go:build unix && !linux

package lws

// fionread is FIONREAD (_IOR('f', 127, int)) on the BSDs and macOS.
const fionread = 0x4004667f
