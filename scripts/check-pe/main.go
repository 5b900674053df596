// Command check-pe checks a Windows executable built by `make package-windows`:
// it must be a GUI-subsystem program (no console window) and its resource
// directory must hold an icon (RT_ICON or RT_GROUP_ICON) and a version
// resource (RT_VERSION). It prints what it found and exits non-zero otherwise.
//
//	go run ./scripts/check-pe dist/NetAssist-0.1.0-windows-amd64.exe
//
// The resource tree (IMAGE_DIRECTORY_ENTRY_RESOURCE) is parsed here from the
// section bytes; debug/pe only locates it.
package main

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

var typeNames = map[uint32]string{
	1: "RT_CURSOR", 2: "RT_BITMAP", rtIcon: "RT_ICON", 4: "RT_MENU", 5: "RT_DIALOG",
	6: "RT_STRING", 9: "RT_ACCELERATOR", 10: "RT_RCDATA", 12: "RT_GROUP_CURSOR",
	rtGroupIcon: "RT_GROUP_ICON", rtVersion: "RT_VERSION", rtManifest: "RT_MANIFEST",
}

var subsystemNames = map[uint16]string{
	pe.IMAGE_SUBSYSTEM_WINDOWS_GUI: "WINDOWS_GUI",
	pe.IMAGE_SUBSYSTEM_WINDOWS_CUI: "WINDOWS_CUI (console)",
}

// resource is one leaf of the resource tree: type / name / language → data.
type resource struct {
	Type, Name, Lang string // "16" or a string name
	TypeID           uint32 // 0 when the type is named by a string
	RVA, Size        uint32
}

func main() {
	wantVersion := flag.String("version", "", "also require this file version (x.y.z) in RT_VERSION")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: check-pe [-version x.y.z] FILE.exe...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	failed := false
	for _, path := range flag.Args() {
		if err := check(path, *wantVersion); err != nil {
			fmt.Fprintf(os.Stderr, "check-pe: %s: FAIL: %v\n", path, err)
			failed = true
		} else {
			fmt.Printf("check-pe: %s: OK\n", path)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func check(path, wantVersion string) error {
	f, err := pe.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()

	var subsystem uint16
	var dirs []pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		subsystem, dirs = oh.Subsystem, oh.DataDirectory[:oh.NumberOfRvaAndSizes]
	case *pe.OptionalHeader32:
		subsystem, dirs = oh.Subsystem, oh.DataDirectory[:oh.NumberOfRvaAndSizes]
	default:
		return errors.New("no optional header: not an executable image")
	}
	fmt.Printf("%s: machine 0x%04x, subsystem %d %s\n", path, f.Machine, subsystem, subsystemNames[subsystem])

	var problems []string
	if subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		problems = append(problems, fmt.Sprintf("subsystem is %d %s, want %d WINDOWS_GUI (link with -H windowsgui)",
			subsystem, subsystemNames[subsystem], pe.IMAGE_SUBSYSTEM_WINDOWS_GUI))
	}

	res, sec, err := readResources(f, dirs)
	if err != nil {
		problems = append(problems, err.Error())
	} else {
		fmt.Printf("  resource directory in section %q, %d resources:\n", sec.Name, len(res))
		printResources(res, sec)
		has := map[uint32]bool{}
		for _, r := range res {
			has[r.TypeID] = true
		}
		if !has[rtIcon] && !has[rtGroupIcon] {
			problems = append(problems, "no RT_ICON (3) or RT_GROUP_ICON (14) resource")
		}
		if !has[rtVersion] {
			problems = append(problems, "no RT_VERSION (16) resource")
		} else if wantVersion != "" {
			if err := checkVersion(res, sec, wantVersion); err != nil {
				problems = append(problems, err.Error())
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// readResources finds the section holding DataDirectory[2] and walks its tree.
func readResources(f *pe.File, dirs []pe.DataDirectory) ([]resource, *pe.Section, error) {
	const entryResource = 2 // IMAGE_DIRECTORY_ENTRY_RESOURCE
	if len(dirs) <= entryResource || dirs[entryResource].VirtualAddress == 0 || dirs[entryResource].Size == 0 {
		return nil, nil, errors.New("no resource directory (DataDirectory[2] is empty)")
	}
	rva := dirs[entryResource].VirtualAddress
	for _, s := range f.Sections {
		if rva < s.VirtualAddress || rva >= s.VirtualAddress+max(s.VirtualSize, s.Size) {
			continue
		}
		data, err := s.Data()
		if err != nil {
			return nil, nil, fmt.Errorf("reading section %s: %w", s.Name, err)
		}
		off := rva - s.VirtualAddress
		if int(off) >= len(data) {
			return nil, nil, fmt.Errorf("resource directory at RVA 0x%x lies outside the raw data of %s", rva, s.Name)
		}
		res, err := parseResourceDir(data[off:])
		return res, s, err
	}
	return nil, nil, fmt.Errorf("no section contains the resource directory RVA 0x%x", rva)
}

// parseResourceDir walks the three-level resource tree (type, name, language)
// in b, which starts at the root IMAGE_RESOURCE_DIRECTORY. All offsets in the
// tree are relative to that root.
func parseResourceDir(b []byte) ([]resource, error) {
	var out []resource
	visited := map[uint32]bool{}
	var walk func(off uint32, level int, path []string, typeID uint32) error
	walk = func(off uint32, level int, path []string, typeID uint32) error {
		if level > 2 {
			return fmt.Errorf("resource tree deeper than 3 levels at offset 0x%x", off)
		}
		if visited[off] {
			return fmt.Errorf("resource tree loops at offset 0x%x", off)
		}
		visited[off] = true
		if uint64(off)+16 > uint64(len(b)) {
			return fmt.Errorf("resource directory at 0x%x is truncated", off)
		}
		named := binary.LittleEndian.Uint16(b[off+12:])
		ids := binary.LittleEndian.Uint16(b[off+14:])
		n := uint32(named) + uint32(ids)
		if uint64(off)+16+uint64(n)*8 > uint64(len(b)) {
			return fmt.Errorf("resource directory at 0x%x: %d entries run past the section", off, n)
		}
		for i := uint32(0); i < n; i++ {
			e := off + 16 + i*8
			nameField := binary.LittleEndian.Uint32(b[e:])
			dataField := binary.LittleEndian.Uint32(b[e+4:])
			var label string
			id := uint32(0)
			if nameField&0x80000000 != 0 {
				s, err := resString(b, nameField&0x7fffffff)
				if err != nil {
					return err
				}
				label = s
			} else {
				id = nameField
				label = fmt.Sprint(id)
			}
			tid := typeID
			if level == 0 {
				tid = id
			}
			p := append(append([]string(nil), path...), label)
			if dataField&0x80000000 != 0 {
				if err := walk(dataField&0x7fffffff, level+1, p, tid); err != nil {
					return err
				}
				continue
			}
			// IMAGE_RESOURCE_DATA_ENTRY: OffsetToData (an RVA), Size, CodePage, Reserved.
			if uint64(dataField)+16 > uint64(len(b)) {
				return fmt.Errorf("resource data entry at 0x%x is truncated", dataField)
			}
			r := resource{TypeID: tid,
				RVA:  binary.LittleEndian.Uint32(b[dataField:]),
				Size: binary.LittleEndian.Uint32(b[dataField+4:])}
			for len(p) < 3 {
				p = append(p, "")
			}
			r.Type, r.Name, r.Lang = p[0], p[1], p[2]
			out = append(out, r)
		}
		return nil
	}
	if err := walk(0, 0, nil, 0); err != nil {
		return out, err
	}
	return out, nil
}

// resString reads an IMAGE_RESOURCE_DIR_STRING_U: a uint16 length and UTF-16 text.
func resString(b []byte, off uint32) (string, error) {
	if uint64(off)+2 > uint64(len(b)) {
		return "", fmt.Errorf("resource name at 0x%x is truncated", off)
	}
	n := uint64(binary.LittleEndian.Uint16(b[off:]))
	if uint64(off)+2+2*n > uint64(len(b)) {
		return "", fmt.Errorf("resource name at 0x%x is truncated", off)
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[uint64(off)+2+2*uint64(i):])
	}
	return string(utf16.Decode(u)), nil
}

// bytesAt returns a resource's data, which is addressed by RVA (normally in the
// same section as the directory).
func bytesAt(sec *pe.Section, r resource) []byte {
	data, err := sec.Data()
	if err != nil || r.RVA < sec.VirtualAddress {
		return nil
	}
	off := uint64(r.RVA - sec.VirtualAddress)
	if off+uint64(r.Size) > uint64(len(data)) {
		return nil
	}
	return data[off : off+uint64(r.Size)]
}

func printResources(res []resource, sec *pe.Section) {
	byType := map[string][]resource{}
	var types []string
	for _, r := range res {
		name := r.Type
		if n, ok := typeNames[r.TypeID]; ok && r.TypeID != 0 {
			name = fmt.Sprintf("%s (%d)", n, r.TypeID)
		}
		if _, seen := byType[name]; !seen {
			types = append(types, name)
		}
		byType[name] = append(byType[name], r)
	}
	sort.Strings(types)
	for _, t := range types {
		rs := byType[t]
		total := uint32(0)
		for _, r := range rs {
			total += r.Size
		}
		fmt.Printf("    %-22s %3d entr%s, %d bytes", t, len(rs), map[bool]string{true: "y", false: "ies"}[len(rs) == 1], total)
		switch rs[0].TypeID {
		case rtGroupIcon:
			fmt.Printf(" — icon sizes %s", groupIconSizes(bytesAt(sec, rs[0])))
		case rtVersion:
			if v, ok := fixedFileVersion(bytesAt(sec, rs[0])); ok {
				fmt.Printf(" — file version %s", v)
			}
		}
		fmt.Println()
	}
}

// groupIconSizes lists the images of a GRPICONDIR (6-byte header, 14-byte entries).
func groupIconSizes(b []byte) string {
	if len(b) < 6 {
		return "?"
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	var sizes []string
	for i := 0; i < n && 6+14*(i+1) <= len(b); i++ {
		e := b[6+14*i:]
		w, h := int(e[0]), int(e[1])
		if w == 0 {
			w = 256 // 0 means 256 or larger
		}
		if h == 0 {
			h = 256
		}
		sizes = append(sizes, fmt.Sprintf("%dx%d/%dbpp", w, h, binary.LittleEndian.Uint16(e[6:])))
	}
	return strings.Join(sizes, " ")
}

// fixedFileVersion finds VS_FIXEDFILEINFO (signature 0xFEEF04BD) in a
// VS_VERSIONINFO block and returns its FileVersion as a.b.c.d.
func fixedFileVersion(b []byte) (string, bool) {
	for i := 0; i+52 <= len(b); i += 4 { // the structure is 32-bit aligned
		if binary.LittleEndian.Uint32(b[i:]) != 0xFEEF04BD {
			continue
		}
		ms := binary.LittleEndian.Uint32(b[i+8:])
		ls := binary.LittleEndian.Uint32(b[i+12:])
		return fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff), true
	}
	return "", false
}

func checkVersion(res []resource, sec *pe.Section, want string) error {
	for _, r := range res {
		if r.TypeID != rtVersion {
			continue
		}
		got, ok := fixedFileVersion(bytesAt(sec, r))
		if !ok {
			return errors.New("RT_VERSION has no VS_FIXEDFILEINFO")
		}
		if got == want || strings.HasPrefix(got, want+".") {
			return nil
		}
		return fmt.Errorf("file version is %s, want %s", got, want)
	}
	return errors.New("no RT_VERSION resource")
}
