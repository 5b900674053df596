package main

import (
	"encoding/binary"
	"testing"
)

// resDir appends an IMAGE_RESOURCE_DIRECTORY with the given (name, data) entries.
func resDir(b []byte, off int, named int, entries [][2]uint32) {
	binary.LittleEndian.PutUint16(b[off+12:], uint16(named))
	binary.LittleEndian.PutUint16(b[off+14:], uint16(len(entries)-named))
	for i, e := range entries {
		binary.LittleEndian.PutUint32(b[off+16+8*i:], e[0])
		binary.LittleEndian.PutUint32(b[off+16+8*i+4:], e[1])
	}
}

func TestParseResourceDir(t *testing.T) {
	b := make([]byte, 512)
	const sub = 0x80000000
	// root: a named type "PNG" at 0x100 and RT_GROUP_ICON and RT_VERSION.
	resDir(b, 0x00, 1, [][2]uint32{{sub | 0x100, sub | 0x40}, {rtGroupIcon, sub | 0x60}, {rtVersion, sub | 0x80}})
	// level 2 (names) → level 3 (languages) → data entries at 0x140...
	resDir(b, 0x40, 0, [][2]uint32{{1, sub | 0xa0}})
	resDir(b, 0x60, 0, [][2]uint32{{1, sub | 0xc0}})
	resDir(b, 0x80, 0, [][2]uint32{{1, sub | 0xe0}})
	resDir(b, 0xa0, 0, [][2]uint32{{0x409, 0x140}})
	resDir(b, 0xc0, 0, [][2]uint32{{0x409, 0x150}})
	resDir(b, 0xe0, 0, [][2]uint32{{0x409, 0x160}})
	binary.LittleEndian.PutUint16(b[0x100:], 3)
	copy(b[0x102:], []byte{'P', 0, 'N', 0, 'G', 0})
	for i, size := range []uint32{10, 20, 30} {
		binary.LittleEndian.PutUint32(b[0x140+16*i:], 0x1000+uint32(i))
		binary.LittleEndian.PutUint32(b[0x140+16*i+4:], size)
	}

	res, err := parseResourceDir(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 {
		t.Fatalf("got %d resources, want 3: %+v", len(res), res)
	}
	want := []resource{
		{Type: "PNG", Name: "1", Lang: "1033", TypeID: 0, RVA: 0x1000, Size: 10},
		{Type: "14", Name: "1", Lang: "1033", TypeID: rtGroupIcon, RVA: 0x1001, Size: 20},
		{Type: "16", Name: "1", Lang: "1033", TypeID: rtVersion, RVA: 0x1002, Size: 30},
	}
	for i := range want {
		if res[i] != want[i] {
			t.Errorf("resource %d = %+v, want %+v", i, res[i], want[i])
		}
	}
}

func TestParseResourceDirRejectsBadTrees(t *testing.T) {
	loop := make([]byte, 64)
	resDir(loop, 0, 0, [][2]uint32{{rtIcon, 0x80000000}}) // points at itself
	if _, err := parseResourceDir(loop); err == nil {
		t.Error("a looping tree was accepted")
	}
	short := make([]byte, 20)
	resDir(short, 0, 0, [][2]uint32{})
	binary.LittleEndian.PutUint16(short[14:], 5) // 5 entries, no room
	if _, err := parseResourceDir(short); err == nil {
		t.Error("a truncated directory was accepted")
	}
	if _, err := parseResourceDir(make([]byte, 8)); err == nil {
		t.Error("a truncated root was accepted")
	}
}

func TestFixedFileVersion(t *testing.T) {
	b := make([]byte, 96)
	binary.LittleEndian.PutUint32(b[40:], 0xFEEF04BD)
	binary.LittleEndian.PutUint32(b[48:], 0<<16|1)
	binary.LittleEndian.PutUint32(b[52:], 0<<16|1)
	if v, ok := fixedFileVersion(b); !ok || v != "0.1.0.1" {
		t.Errorf("fixedFileVersion = %q, %v; want 0.1.0.1", v, ok)
	}
}
