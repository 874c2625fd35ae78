// Command gob_types is the Go half of the "all of gob" interop test: one
// struct with every kind of field a student can add to complexData, and a
// few values of it (the cases). gob_types.cpp is the C++ half, with the
// same struct and the same cases; tests/integration/test_gob_types.py runs
// both and lets Go's encoding/gob judge.
//
// Usage:
//
//	gob_types list          the case names, one a line
//	gob_types encode CASE   the gob stream of the case's value, to stdout
//	gob_types print CASE    decodes a stream of the case's type from stdin
//	                        and prints it as %#v
//	gob_types check CASE    decodes a stream from stdin and exits 0 if it
//	                        equals what Go's own stream of the case decodes
//	                        to (reflect.DeepEqual), 1 with both values if not
package main

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"reflect"
	"time"
)

type point struct {
	X, Y int
}

// circle holds an interface itself: a circle in an interface sends the
// definition of what its Label holds in the middle of its own value.
type circle struct {
	Center point
	R      float64
	Label  any
}

type node struct {
	V    int
	Next *node
}

type allTypes struct {
	I    int
	I8   int8
	I16  int16
	I32  int32
	I64  int64
	U    uint
	U8   uint8
	U16  uint16
	U32  uint32
	U64  uint64
	F32  float32
	F64  float64
	C64  complex64
	C128 complex128
	B    bool
	S    string

	Bytes   []byte
	Array   [3]int
	Points2 [2]point
	Bools   []bool
	Strings []string
	Points  []point
	PtrPts  []*point
	Nested  [][]int

	M        map[string]int
	MPtr     map[string]*point
	MSlice   map[int][]string
	EmptyMap map[string]int

	P      *int
	PP     **int
	PS     *string
	PSlice *[]int
	PMap   *map[string]int
	Pt     point
	PtP    *point
	List   *node
	When   time.Time

	Any   any
	Shape any
	Items []any
	Named map[string]any
}

func intPointer(value int) *int { return &value }

func full() allTypes {
	seven := intPointer(7)
	text := "pointed at"
	return allTypes{
		I: -23, I8: -128, I16: 32767, I32: -2147483648, I64: 9223372036854775807,
		U: 23, U8: 255, U16: 65535, U32: 4294967295, U64: 18446744073709551615,
		F32: 0.1, F64: -2.5e-300, C64: complex(1.5, -2), C128: complex(-0.25, 1e100),
		B: true, S: "string data \xff",

		Bytes:   []byte("abc"),
		Array:   [3]int{1, 0, -1},
		Points2: [2]point{{1, 2}, {}},
		Bools:   []bool{true, false, true},
		Strings: []string{"a", ""},
		Points:  []point{{3, 4}},
		PtrPts:  []*point{{5, 6}, {7, 8}},
		Nested:  [][]int{{1}, {}, {2, 3}},

		M:        map[string]int{"one": 1},
		MPtr:     map[string]*point{"p": {9, 9}},
		MSlice:   map[int][]string{-1: {"x", "y"}},
		EmptyMap: map[string]int{},

		P:      intPointer(42),
		PP:     &seven,
		PS:     &text,
		PSlice: &[]int{4, 5},
		PMap:   &map[string]int{"k": 1},
		Pt:     point{10, 20},
		PtP:    &point{30, 40},
		List:   &node{1, &node{2, &node{3, nil}}},
		When:   time.Date(2017, time.February, 9, 12, 30, 45, 123456789, time.UTC),
	}
}

// Pointers to zero values: Go leaves all of these out but PMap, a pointer
// to a map that exists (encode.go sends zero-length non-nil maps).
func pointersToZero() allTypes {
	var zero *int
	return allTypes{
		P:      intPointer(0),
		PP:     &zero,
		PS:     new(string),
		PSlice: &[]int{},
		PMap:   &map[string]int{},
		PtP:    &point{},
	}
}

func interfaces() allTypes {
	return allTypes{
		Any: 5,
		Shape: circle{
			Center: point{1, 2}, R: 2.5,
			Label: point{7, 7}, // a second new type, defined inside the circle's value
		},
		Items: []any{int8(-1), "two", 3.5, []int{4}, &point{5, 5}, nil, uint64(6), &node{V: 8},
			time.Date(2020, time.March, 1, 0, 0, 0, 0, time.UTC), circle{R: 1, Label: "inner"}},
		Named: map[string]any{"only": true},
	}
}

// Maps of several entries: Go sends them in a random order, so their bytes
// are not compared, only the values.
func maps() allTypes {
	return allTypes{
		M:      map[string]int{"one": 1, "two": 2, "three": 3},
		MPtr:   map[string]*point{"a": {1, 1}, "b": {2, 2}},
		MSlice: map[int][]string{1: {"a"}, 2: nil, 3: {"b", "c"}},
		Named:  map[string]any{"int": 1, "string": "s", "point": point{1, 2}},
	}
}

// A top-level pointer to a struct travels as the struct itself.
func topPointer() *node { return &node{1, &node{2, nil}} }

// Each case: a fresh value of it, and a fresh pointer to decode into.
var cases = []struct {
	name  string
	value func() any
	empty func() any
}{
	{"full", func() any { return full() }, func() any { return new(allTypes) }},
	{"zero", func() any { return allTypes{} }, func() any { return new(allTypes) }},
	{"pointers-to-zero", func() any { return pointersToZero() }, func() any { return new(allTypes) }},
	{"interfaces", func() any { return interfaces() }, func() any { return new(allTypes) }},
	{"maps", func() any { return maps() }, func() any { return new(allTypes) }},
	{"top-pointer", func() any { return topPointer() }, func() any { return new(*node) }},
}

func main() {
	// Go names a type by what its pointers point to: a *point travels as a
	// "main.point" and arrives as a point; a node registered through a
	// pointer travels as "*main.node" and arrives as a *node.
	gob.Register(point{})
	gob.Register(&node{})
	gob.Register(circle{})
	gob.Register(time.Time{})
	if len(os.Args) == 2 && os.Args[1] == "list" {
		for _, c := range cases {
			fmt.Println(c.name)
		}
		return
	}
	if len(os.Args) != 3 {
		fail("usage: gob_types list | encode CASE | print CASE | check CASE")
	}
	mode, name := os.Args[1], os.Args[2]
	for _, c := range cases {
		if c.name == name {
			run(mode, c.value, c.empty)
			return
		}
	}
	fail("no case " + name)
}

func run(mode string, value, empty func() any) {
	switch mode {
	case "encode":
		check(gob.NewEncoder(os.Stdout).Encode(value()))
	case "print":
		received := decode(os.Stdin, empty())
		fmt.Printf("%#v\n", reflect.ValueOf(received).Elem().Interface())
	case "check":
		var own bytes.Buffer
		check(gob.NewEncoder(&own).Encode(value()))
		want := decode(&own, empty())
		got := decode(os.Stdin, empty())
		if !reflect.DeepEqual(want, got) {
			fmt.Printf("differs\nwant %#v\n got %#v\n", deref(want), deref(got))
			os.Exit(1)
		}
		fmt.Println("same")
	default:
		fail("no mode " + mode)
	}
}

func decode(in io.Reader, into any) any {
	check(gob.NewDecoder(in).Decode(into))
	return into
}

func deref(pointer any) any { return reflect.ValueOf(pointer).Elem().Interface() }

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "gob_types:", message)
	os.Exit(2)
}
