package netassist

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
)

// onLoopbackOnly checks in /proc/net/igmp that the kernel holds the IPv4
// group on lo and on no other interface.
func onLoopbackOnly(t *testing.T, group, lo string) {
	t.Helper()
	devs := igmpDevices(t, group)
	if len(devs) != 1 || devs[0] != lo {
		t.Fatalf("/proc/net/igmp has %s on %v; want on %s only", group, devs, lo)
	}
}

// igmpDevices lists the devices /proc/net/igmp shows group joined on.
func igmpDevices(t *testing.T, group string) []string {
	f, err := os.Open("/proc/net/igmp")
	if err != nil {
		t.Skipf("no /proc/net/igmp: %v", err)
	}
	defer f.Close()
	// The group is printed as the in-memory (network order) word in hex.
	want := fmt.Sprintf("%08X", binary.NativeEndian.Uint32(net.ParseIP(group).To4()))
	var devs []string
	dev := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if !strings.HasPrefix(line, "\t") {
			if len(f) > 1 {
				dev = f[1]
			}
			continue
		}
		if f[0] == want {
			devs = append(devs, dev)
		}
	}
	return devs
}
