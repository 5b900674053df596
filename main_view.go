package main

import "strings"

// viewList collects --view folders.
type viewList []string

func (v *viewList) String() string     { return strings.Join(*v, ",") }
func (v *viewList) Set(s string) error { *v = append(*v, s); return nil }
