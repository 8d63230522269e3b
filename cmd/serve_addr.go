package cmd

import (
	"net"
	"strconv"
)

// checkListenAddr accepts host:port with a numeric port (0 picks a free one).
func checkListenAddr(flag, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("invalid %s %q: want host:port, e.g. 127.0.0.1:8080", flag, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return usagef("invalid %s %q: the port must be a number from 0 to 65535", flag, addr)
	}
	return nil
}
