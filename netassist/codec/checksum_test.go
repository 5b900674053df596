package codec

import (
	"bytes"
	"testing"
)

// The catalogue check value of each checksum is its result over "123456789".
func TestChecksumCheckValues(t *testing.T) {
	data := []byte("123456789")
	tests := []struct {
		kind     ChecksumKind
		check    uint32
		appended []byte
	}{
		{ChecksumNone, 0, nil},
		{"", 0, nil},
		{ChecksumSum8, 0xDD, []byte{0xDD}},
		{ChecksumXOR8, 0x31, []byte{0x31}},
		{ChecksumCRC16Modbus, 0x4B37, []byte{0x37, 0x4B}},           // low byte first
		{ChecksumCRC16CCITT, 0x29B1, []byte{0x29, 0xB1}},            // high byte first
		{ChecksumCRC32, 0xCBF43926, []byte{0xCB, 0xF4, 0x39, 0x26}}, // big-endian
	}
	for _, tt := range tests {
		if got := Checksum(tt.kind, data); got != tt.check {
			t.Errorf("Checksum(%q) = %#X; want %#X", tt.kind, got, tt.check)
		}
		got := AppendChecksum(tt.kind, bytes.Clone(data))
		want := append(bytes.Clone(data), tt.appended...)
		if !bytes.Equal(got, want) {
			t.Errorf("AppendChecksum(%q) = % X; want % X", tt.kind, got, want)
		}
		if tt.kind.Size() != len(tt.appended) {
			t.Errorf("%q.Size() = %d; want %d", tt.kind, tt.kind.Size(), len(tt.appended))
		}
	}
}

func TestChecksumEmpty(t *testing.T) {
	// Empty input gives each algorithm's initial value (after any final XOR).
	want := map[ChecksumKind]uint32{ChecksumSum8: 0, ChecksumXOR8: 0, ChecksumCRC16Modbus: 0xFFFF, ChecksumCRC16CCITT: 0xFFFF, ChecksumCRC32: 0}
	for k, w := range want {
		if got := Checksum(k, nil); got != w {
			t.Errorf("Checksum(%q, nil) = %#X; want %#X", k, got, w)
		}
	}
}

func TestChecksumNames(t *testing.T) {
	want := []string{"none", "sum8", "xor8", "crc16-modbus", "crc16-ccitt-false", "crc32"}
	if len(Checksums) != len(want) {
		t.Fatalf("Checksums = %v", Checksums)
	}
	for i, k := range Checksums {
		if string(k) != want[i] || !k.Valid() {
			t.Errorf("Checksums[%d] = %q; want %q", i, k, want[i])
		}
	}
	if ChecksumKind("md5").Valid() {
		t.Error("md5 is valid")
	}
}

func TestModbusFrame(t *testing.T) {
	// Read holding registers: slave 1, function 3, address 0, count 10.
	// Modbus RTU frames carry CRC C5 CD after these bytes.
	got := AppendChecksum(ChecksumCRC16Modbus, []byte{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A})
	want := []byte{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD}
	if !bytes.Equal(got, want) {
		t.Errorf("got % X; want % X", got, want)
	}
}
