// What Go's fmt prints with %#v for the values of test_go_syntax.cpp. The
// expected strings there are this program's output, with each pointer's
// address (which differs from run to run) written as 0xADDR. Not part of
// the build; to re-check them against your Go:
//
//	go run tests/unit/testdata/go_syntax.go
//
// (Go 1.19 printed them; a testdata folder is one the go tool ignores.)
package main

import (
	"fmt"
	"math"
)

// C++: GoInner in test_go_syntax.cpp.
type inner struct {
	A int
	B string
}

// C++: Everything, one field of every type the gob codec supports.
type everything struct {
	Int       int
	Small     int
	Uint      uint
	Byte      uint
	Yes       bool
	No        bool
	Float     float64
	Floats    []float64
	Text      string
	Bytes     []byte
	NoBytes   []byte
	Strings   []string
	NoStrings []string
	Ints      []int
	Uints     []uint
	Nested    [][]int
	Counts    map[string]int
	NoCounts  map[string]int
	Names     map[int]string
	Lists     map[string][]int
	Blobs     map[string][]byte
	Flags     map[uint]bool
	Inner     inner
	Inners    []inner
	ByName    map[string]inner
	Ptr       *inner
	NilPtr    *inner
	IntPtr    *int
	NilIntPtr *int
	Ptrs      []*inner
	Self      *everything
}

func main() {
	fmt.Println("-- a value of every type")
	seven := 7
	v := everything{
		Int: math.MinInt64, Small: -3, Uint: 23, Byte: 255, Yes: true,
		Float: 0.5,
		Floats: []float64{1, 0.5, 1e21, 1e20, 123456789, 0.0001, 1e-05,
			math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0},
		Text:    "tab\there \"quoted\" é \xff",
		Bytes:   []byte{0x61, 0x00, 0xff, 0x10},
		Strings: []string{"a", "b"}, Ints: []int{1, -2}, Uints: []uint{0, 16},
		Nested: [][]int{{1}, nil},
		Counts: map[string]int{"two": 2, "one": 1, "three": 3},
		Names:  map[int]string{10: "ten", -1: "minus one", 2: "two"},
		Lists:  map[string][]int{"b": nil, "a": {1}},
		Blobs:  map[string][]byte{"k": []byte("z")},
		Flags:  map[uint]bool{3: true, 1: false},
		Inner:  inner{A: 1, B: "x"},
		Inners: []inner{{A: 2}, {}},
		ByName: map[string]inner{"k": {A: 3}},
		Ptr:    &inner{A: 4},
		IntPtr: &seven,
		Ptrs:   []*inner{{A: 5}, nil},
		Self:   &everything{},
	}
	fmt.Printf("%#v\n", v)
	fmt.Printf("%#v\n", &v)
	fmt.Println("-- the zero value")
	fmt.Printf("%#v\n", everything{})
	fmt.Printf("%#v\n", (*everything)(nil))
	fmt.Println("-- handed to Printf itself")
	fmt.Printf("%#v\n", []byte("ab"))
	fmt.Printf("%#v\n", []byte(nil))
	fmt.Printf("%#v\n", &seven)
	fmt.Printf("%#v\n", (*int)(nil))
	ints := []int{1}
	fmt.Printf("%#v\n", &ints)
	m := map[string]int{"a": 1}
	fmt.Printf("%#v\n", &m)
	pv := &v
	fmt.Printf("%#v\n", &pv)
	fmt.Println("-- basic values")
	fmt.Printf("%#v %#v %#v %#v\n", 23, -5, int8(-3), math.MinInt64)
	fmt.Printf("%#v %#v %#v %#v\n", uint(23), uint(0), uint8(10), uint64(math.MaxUint64))
	fmt.Printf("%#v %#v\n", true, false)
	for _, f := range []float64{1, 0.5, 1e21, 1e20, 123456789, 123456, 1234567, 100000.5,
		0.0001, 0.000123, 1e-05, 0.1, 2.0 / 3, 1.5e300, 5e-324, math.MaxFloat64, -1.25,
		math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0} {
		fmt.Printf("%#v\n", f)
	}
}
