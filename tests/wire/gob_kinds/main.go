// Command gob_kinds writes gob streams of many kinds of Go value, and reads
// them back with Go's own decoder, for the tests of the Wireshark dissector
// (tools/wireshark/gob.lua): what the dissector shows of a stream must be
// what Go's decoder makes of it.
//
// Usage:
//
//	gob_kinds list            the names of the cases, one per line
//	gob_kinds encode CASE     the stream a fresh gob.Encoder writes for CASE
//	gob_kinds decode CASE     reads that stream from stdin with a fresh
//	                          gob.Decoder and prints every leaf it decoded
//
// A leaf is a value of a basic kind (bool, integers, floats, complex
// numbers, strings, []byte), a value with its own encoding (GobEncoder,
// BinaryMarshaler) or a nil interface. decode prints one line
// per leaf:
//
//	VALUE<TAB>PATH<TAB>TEXT<TAB>ZERO
//
// VALUE counts the values of the stream from 1; PATH names the leaf as the
// dissector's gob.path does (v.N, v.C.M["01"], v.L[1], v.I.(int)); TEXT is
// the value as the dissector shows it (strconv.Quote for strings and
// []byte, the shortest float, "% x" of self-encoded bytes); ZERO is 1 when
// the leaf holds its type's zero value, which a struct field leaves off the
// wire.
package main

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"math/big"
	"net"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ---------------------------------------------------------------- types

type complexData struct {
	N int
	S string
	M map[string]int
	P []byte
	C *complexData
}

type Point struct{ X, Y int }

type Empty struct{}

type Basics struct {
	B               bool
	I               int
	I8              int8
	I16             int16
	I32             int32
	I64             int64
	MinI64          int64
	U               uint
	U8              uint8
	U16             uint16
	U32             uint32
	U64             uint64
	Uptr            uintptr
	F32             float32
	F64             float64
	Tiny, Huge      float64
	Inf, NegInf     float64
	NaN             float64
	C64             complex64
	C128            complex128
	S, Unicode, Esc string
	Bytes           []byte
}

type Collections struct {
	Ints     []int
	Strings  []string
	Array    [3]int
	ByteArr  [4]byte
	Grid     [2][2]int
	Nested   [][]string
	Floats   []float64 // zeros in a slice are sent
	Map      map[string]int
	IntKeys  map[int]string
	BoolKeys map[bool]float64
	FloatKey map[float64]string
	Complex  map[complex128]int
	OfSlices map[string][]int
	OfMaps   map[string]map[string]int
	EmptyMap map[string]int // empty, not nil: sent with its count 0
	Points   []Point
	Pointers []*Point
	ByPoint  map[Point]string // a struct key: named by position in paths
	NoElems  [][0]int         // an array type of length 0: its Len is not sent
}

type Inner struct {
	Z    int
	Name string
}

type Embedded struct{ E int }

type Structs struct {
	Embedded  // an embedded struct is a field named after its type
	Anonymous struct {
		A int
		B []string
	}
	Empty   Empty // always sent: a struct field, even with nothing in it
	Deep    ***int
	Inner   Inner
	List    *Node
	Skipped chan int // not encoded
	private int
}

type Node struct {
	Value int
	Next  *Node
}

type Interfaces struct {
	Int      interface{}
	Str      interface{}
	Point    interface{}
	Slice    interface{}
	Nil      interface{} // nil: not sent at all
	Many     []interface{}
	Boxed    interface{} // a struct that holds an interface in turn
	Repeated []interface{}
}

type Box struct {
	Label string
	Item  interface{}
}

type Binary struct{ A, B uint16 }

func (b Binary) MarshalBinary() ([]byte, error) {
	return []byte{byte(b.A >> 8), byte(b.A), byte(b.B >> 8), byte(b.B)}, nil
}

func (b *Binary) UnmarshalBinary(data []byte) error {
	if len(data) != 4 {
		return fmt.Errorf("Binary: %d bytes", len(data))
	}
	b.A, b.B = uint16(data[0])<<8|uint16(data[1]), uint16(data[2])<<8|uint16(data[3])
	return nil
}

type Encoders struct {
	Time   time.Time // GobEncoder
	Big    *big.Int  // GobEncoder
	Binary Binary    // BinaryMarshaler
	IP     net.IP    // a TextMarshaler, which gob ignores: a []byte
}

func init() {
	gob.Register(Point{})
	gob.Register(Box{})
	gob.Register(map[string]int{})
}

// ---------------------------------------------------------------- cases

type gobCase struct {
	name   string
	values []interface{}      // what is encoded, one Encode each
	fresh  func() interface{} // a pointer to decode the next value into
}

func deep(n int) ***int {
	p := &n
	pp := &p
	return &pp
}

func cases() []gobCase {
	sample := complexData{
		N: 23, S: "string data",
		M: map[string]int{"one": 1, "two": 2, "three": 3},
		P: []byte("abc"),
		C: &complexData{N: 256, S: "Recursive structs? Piece of cake!",
			M: map[string]int{"01": 1, "10": 2, "11": 3}},
	}
	basics := Basics{
		B: true, I: -1, I8: -128, I16: 32767, I32: -2147483648, I64: math.MaxInt64,
		MinI64: math.MinInt64, U: 300, U8: 255, U16: 65535, U32: 4294967295,
		U64: math.MaxUint64, Uptr: 0xdeadbeef, F32: 0.1, F64: 3.5,
		Tiny: 5e-324, Huge: 1.7976931348623157e308, Inf: math.Inf(1), NegInf: math.Inf(-1),
		NaN: math.NaN(), C64: complex(1.5, -2), C128: complex(0, 3),
		S: "string data", Unicode: "grüße, 世界", Esc: "tab\there \"quoted\" \\ \x01",
		Bytes: []byte{0, 1, 0xfe, 'a'},
	}
	var structs Structs
	structs.E = 7
	structs.Anonymous.A = -4
	structs.Anonymous.B = []string{"x", ""}
	structs.Deep = deep(99)
	structs.Inner = Inner{Z: 1, Name: "inner"}
	structs.List = &Node{1, &Node{2, &Node{3, nil}}}
	structs.private = 5
	return []gobCase{
		{"sample", []interface{}{sample}, func() interface{} { return new(complexData) }},
		{"zero", []interface{}{complexData{}}, func() interface{} { return new(complexData) }},
		{"basics", []interface{}{basics}, func() interface{} { return new(Basics) }},
		{"collections", []interface{}{Collections{
			Ints: []int{1, -2, 300}, Strings: []string{"a", "", "c"},
			Array: [3]int{0, 5, 0}, ByteArr: [4]byte{1, 2, 3, 4},
			Grid:     [2][2]int{{1, 2}, {3, 4}},
			Nested:   [][]string{{"a"}, {}, {"b", "c"}},
			Floats:   []float64{0, -0.5, 1e21, 1e-7, 123456789},
			Map:      map[string]int{"one": 1, "two": 2, "zero": 0},
			IntKeys:  map[int]string{-1: "minus one", 7: "seven"},
			BoolKeys: map[bool]float64{true: 1.25, false: -1},
			FloatKey: map[float64]string{0.5: "half"},
			Complex:  map[complex128]int{complex(1, 2): 3},
			OfSlices: map[string][]int{"evens": {2, 4}, "none": {}},
			OfMaps:   map[string]map[string]int{"outer": {"inner": 1}},
			EmptyMap: map[string]int{},
			Points:   []Point{{1, 2}, {0, 0}, {-3, 4}},
			Pointers: []*Point{{5, 6}},
			ByPoint:  map[Point]string{{1, 1}: "one one"},
			NoElems:  [][0]int{{}, {}},
		}}, func() interface{} { return new(Collections) }},
		{"structs", []interface{}{structs}, func() interface{} { return new(Structs) }},
		{"interfaces", []interface{}{Interfaces{
			Int: 42, Str: "in an interface", Point: Point{8, 9}, Slice: []int{1, 2},
			Many:     []interface{}{nil, 1.5, "two", Point{3, 4}, map[string]int{"k": 1}},
			Boxed:    Box{Label: "box", Item: Box{Label: "inner box", Item: Point{1, 2}}},
			Repeated: []interface{}{Point{1, 1}, Point{2, 2}},
		}}, func() interface{} { return new(Interfaces) }},
		{"encoders", []interface{}{Encoders{
			Time:   time.Date(2017, 2, 9, 12, 30, 45, 123456789, time.UTC),
			Big:    new(big.Int).Lsh(big.NewInt(1), 100),
			Binary: Binary{A: 0x0102, B: 0xfffe},
			IP:     net.ParseIP("192.0.2.1"),
		}}, func() interface{} { return new(Encoders) }},
		// Values that are not structs travel as one-field structs.
		{"int", []interface{}{7}, func() interface{} { return new(int) }},
		{"string", []interface{}{"a bare string"}, func() interface{} { return new(string) }},
		{"slice", []interface{}{[]string{"x", "yy"}}, func() interface{} { return new([]string) }},
		{"map", []interface{}{map[string]int{"a": 1}}, func() interface{} { return new(map[string]int) }},
		{"array", []interface{}{[2]float64{0.25, -8}}, func() interface{} { return new([2]float64) }},
		{"pointer", []interface{}{&basics.I64}, func() interface{} { return new(int64) }},
		// One encoder, several values: definitions only before the first of
		// each type.
		{"stream", []interface{}{sample, Point{1, 2}, sample, 5, Point{3, 4}},
			nil},
	}
}

func streamTargets() []interface{} {
	return []interface{}{new(complexData), new(Point), new(complexData), new(int), new(Point)}
}

func find(name string) (gobCase, bool) {
	for _, c := range cases() {
		if c.name == name {
			return c, true
		}
	}
	return gobCase{}, false
}

// ---------------------------------------------------------------- leaves

type leaf struct {
	path, text string
	zero       bool
}

var (
	gobEncoder      = reflect.TypeOf((*gob.GobEncoder)(nil)).Elem()
	binaryMarshaler = reflect.TypeOf((*interface{ MarshalBinary() ([]byte, error) })(nil)).Elem()
)

// registeredName is the name gob.Register gives a type: the package path
// and name of a named type, else the type as Go writes it.
func registeredName(t reflect.Type) string {
	if t.Name() != "" && t.PkgPath() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return t.String()
}

// basicText is a basic value as the dissector shows it, and whether v is of
// a basic kind at all.
func basicText(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), true
	case reflect.Complex64, reflect.Complex128:
		return fmt.Sprintf("%v", v.Complex()), true
	case reflect.String:
		return strconv.Quote(v.String()), true
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
		return strconv.Quote(string(v.Bytes())), true
	}
	return "", false
}

// selfEncoded is the bytes a type with its own encoding puts on the wire,
// as the dissector shows them. Go 1.19's gob does not use TextMarshaler
// (type.go has it commented out), so net.IP travels as the []byte it is.
func selfEncoded(v reflect.Value) (string, bool) {
	call := func(method string) []byte {
		out := v.MethodByName(method).Call(nil)
		if !out[1].IsNil() {
			panic(out[1].Interface())
		}
		return out[0].Bytes()
	}
	switch {
	case v.Type().Implements(gobEncoder):
		return fmt.Sprintf("% x", call("GobEncode")), true
	case v.Type().Implements(binaryMarshaler):
		return fmt.Sprintf("% x", call("MarshalBinary")), true
	}
	return "", false
}

func walk(path string, v reflect.Value, out *[]leaf) {
	if text, ok := selfEncoded(v); ok {
		*out = append(*out, leaf{path, text, v.IsZero()})
		return
	}
	if v.CanAddr() && v.Kind() != reflect.Pointer {
		if text, ok := selfEncoded(v.Addr()); ok {
			*out = append(*out, leaf{path, text, v.IsZero()})
			return
		}
	}
	if text, ok := basicText(v); ok {
		*out = append(*out, leaf{path, text, v.IsZero()})
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walk(path, v.Elem(), out)
		}
	case reflect.Interface:
		if v.IsNil() {
			*out = append(*out, leaf{path, "nil", true})
			return
		}
		walk(path+".("+registeredName(v.Elem().Type())+")", v.Elem(), out)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			field := v.Type().Field(i)
			kind := field.Type.Kind()
			if !field.IsExported() || kind == reflect.Chan || kind == reflect.Func {
				continue
			}
			walk(path+"."+field.Name, v.Field(i), out)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walk(fmt.Sprintf("%s[%d]", path, i), v.Index(i), out)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(a, b int) bool { return fmt.Sprint(keys[a]) < fmt.Sprint(keys[b]) })
		for i, key := range keys {
			segment := fmt.Sprintf("[#%d]", i)
			if text, ok := basicText(key); ok {
				segment = "[" + text + "]"
			}
			walk(path+segment, v.MapIndex(key), out)
		}
	}
}

// ------------------------------------------------------------------ main

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gob_kinds list | encode CASE | decode CASE")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "list":
		for _, c := range cases() {
			fmt.Println(c.name)
		}
		return
	case "encode", "decode":
	default:
		fmt.Fprintln(os.Stderr, "usage: gob_kinds list | encode CASE | decode CASE")
		os.Exit(2)
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "gob_kinds: which case? (gob_kinds list)")
		os.Exit(2)
	}
	c, ok := find(os.Args[2])
	if !ok {
		fmt.Fprintf(os.Stderr, "gob_kinds: no case %q\n", os.Args[2])
		os.Exit(2)
	}
	if os.Args[1] == "encode" {
		var buf bytes.Buffer
		encoder := gob.NewEncoder(&buf)
		for _, value := range c.values {
			if err := encoder.Encode(value); err != nil {
				fmt.Fprintln(os.Stderr, "gob_kinds: encode:", err)
				os.Exit(1)
			}
		}
		os.Stdout.Write(buf.Bytes())
		return
	}
	decoder := gob.NewDecoder(os.Stdin)
	targets := streamTargets()
	var lines []string
	for index := range c.values {
		var target interface{}
		if c.fresh != nil {
			target = c.fresh()
		} else {
			target = targets[index]
		}
		if err := decoder.Decode(target); err != nil {
			fmt.Fprintf(os.Stderr, "gob_kinds: decode value %d: %v\n", index+1, err)
			os.Exit(1)
		}
		var leaves []leaf
		walk("v", reflect.ValueOf(target).Elem(), &leaves)
		for _, l := range leaves {
			zero := "0"
			if l.zero {
				zero = "1"
			}
			lines = append(lines, strings.Join([]string{strconv.Itoa(index + 1), l.path, l.text, zero}, "\t"))
		}
	}
	if err := decoder.Decode(new(interface{})); err != io.EOF {
		fmt.Fprintln(os.Stderr, "gob_kinds: more in the stream than the case has:", err)
		os.Exit(1)
	}
	fmt.Println(strings.Join(lines, "\n"))
}
