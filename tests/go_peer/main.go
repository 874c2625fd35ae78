// Command go_peer is the Go side of the C++ port's interoperability tests
// and benchmarks. It speaks the ad-hoc protocol of the tutorial
// "TCP/IP Networking" (a command line, then that command's data) and
// produces or consumes gob streams, so the C++ client, server, encoder and
// decoder can be checked against the reference implementation.
//
// Usage:
//
//	go_peer serve  [-port N] [-quiet]
//	go_peer dial   [-addr HOST:PORT]
//	go_peer encode [-variant sample|zero|extended|mismatch|sparse|deep|int] [-depth D]
//	go_peer decode
//	go_peer bench  [-runs R] [-iters K]
package main

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// complexData is the tutorial's struct. Its field names and kinds are the
// contract with the C++ side, so they must not change.
type complexData struct {
	N int
	S string
	M map[string]int
	P []byte
	C *complexData
}

// sampleData returns the tutorial's sample value. A fresh value each call,
// so no caller can alter what another one sends.
func sampleData() complexData {
	return complexData{
		N: 23,
		S: "string data",
		M: map[string]int{"one": 1, "two": 2, "three": 3},
		P: []byte("abc"),
		C: &complexData{
			N: 256,
			S: "Recursive structs? Piece of cake!",
			M: map[string]int{"01": 1, "10": 2, "11": 3},
		},
	}
}

func main() {
	log.SetFlags(log.Lshortfile)
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "serve":
		err = runServe(args)
	case "dial":
		err = runDial(args)
	case "encode":
		err = runEncode(args)
	case "decode":
		err = runDecode(args)
	case "bench":
		err = runBench(args)
	default:
		usage()
	}
	if err != nil {
		log.Println("Error:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go_peer serve|dial|encode|decode|bench [flags]")
	os.Exit(2)
}

// ---------------------------------------------------------------- serve

// HandleFunc reads and processes the data of one command. Unlike the
// tutorial's handlers it returns an error: after a failed read the stream
// position is unknown, so the connection has to be closed rather than
// parsed further as commands.
type HandleFunc func(*bufio.ReadWriter) error

// Endpoint dispatches incoming commands to registered handlers. The mutex
// lets handlers be added while connections are already being served.
type Endpoint struct {
	listener net.Listener
	handler  map[string]HandleFunc
	m        sync.RWMutex
	quiet    bool
}

func NewEndpoint(quiet bool) *Endpoint {
	return &Endpoint{handler: map[string]HandleFunc{}, quiet: quiet}
}

func (e *Endpoint) AddHandleFunc(name string, f HandleFunc) {
	e.m.Lock()
	e.handler[name] = f
	e.m.Unlock()
}

// Listen binds ":port" (all interfaces, IPv4 and IPv6) and serves forever.
// The single "Listen on" line is logged even when quiet, because tests
// parse the chosen port from it when port 0 was requested.
func (e *Endpoint) Listen(port int) error {
	addr := ":" + strconv.Itoa(port)
	var err error
	e.listener, err = net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("unable to listen on %s: %w", addr, err)
	}
	log.Println("Listen on", e.listener.Addr().String())
	for {
		conn, err := e.listener.Accept()
		if err != nil {
			log.Println("Failed accepting a connection request:", err)
			continue
		}
		if !e.quiet {
			log.Println("Accepted a connection from", conn.RemoteAddr())
		}
		go e.handleMessages(conn)
	}
}

// handleMessages reads command lines and runs their handlers until the
// peer closes the connection or something goes wrong.
func (e *Endpoint) handleMessages(conn net.Conn) {
	defer conn.Close()
	rw := bufio.NewReadWriter(bufio.NewReader(conn), bufio.NewWriter(conn))
	for {
		cmd, err := rw.ReadString('\n')
		switch {
		case err == io.EOF:
			// A peer hanging up between commands is the normal end.
			if !e.quiet {
				log.Println("Reached EOF - close this connection.")
			}
			return
		case err != nil:
			log.Println("Error reading command:", err)
			return
		}
		cmd = strings.Trim(cmd, "\r\n ")
		e.m.RLock()
		handle, ok := e.handler[cmd]
		e.m.RUnlock()
		if !ok {
			// Unknown input is a protocol error, not a crash. %q keeps
			// binary garbage readable; the cut keeps the log line short.
			if len(cmd) > 64 {
				cmd = cmd[:64] + "..."
			}
			log.Printf("Command %q is not registered - close this connection.", cmd)
			return
		}
		if err := handle(rw); err != nil {
			log.Printf("Command %s failed - close this connection: %v", cmd, err)
			return
		}
	}
}

// handleString reads one line and acknowledges it.
func (e *Endpoint) handleString(rw *bufio.ReadWriter) error {
	s, err := rw.ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading STRING data: %w", err)
	}
	if !e.quiet {
		log.Println("Receive STRING message:", strings.Trim(s, "\r\n "))
	}
	if _, err := rw.WriteString("Thank you.\n"); err != nil {
		return fmt.Errorf("writing STRING reply: %w", err)
	}
	if err := rw.Flush(); err != nil {
		return fmt.Errorf("flushing STRING reply: %w", err)
	}
	return nil
}

// handleGob decodes one complexData. The decoder is fresh per command, as
// in the tutorial, so every GOB message carries its own type definitions.
// *bufio.ReadWriter is an io.ByteReader, so gob reads from it directly and
// never consumes bytes that belong to the next command.
func (e *Endpoint) handleGob(rw *bufio.ReadWriter) error {
	var data complexData
	if err := gob.NewDecoder(rw).Decode(&data); err != nil {
		return fmt.Errorf("decoding GOB data: %w", err)
	}
	// The value is decoded in full in quiet mode too (benchmarks measure
	// decoding); only the costly %#v formatting is skipped.
	if !e.quiet {
		log.Printf("Outer complexData struct: \n%#v\n", data)
		log.Printf("Inner complexData struct: \n%#v\n", data.C)
	}
	return nil
}

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	port := fs.Int("port", 61000, "TCP port to listen on (0 picks a free one)")
	quiet := fs.Bool("quiet", false, "log nothing per connection or message")
	fs.Parse(args)

	e := NewEndpoint(*quiet)
	e.AddHandleFunc("STRING", e.handleString)
	e.AddHandleFunc("GOB", e.handleGob)
	return e.Listen(*port)
}

// ---------------------------------------------------------------- dial

func runDial(args []string) error {
	fs := flag.NewFlagSet("dial", flag.ExitOnError)
	addr := fs.String("addr", "localhost:61000", "server address HOST:PORT")
	fs.Parse(args)

	log.Println("Dial " + *addr)
	conn, err := net.Dial("tcp", *addr)
	if err != nil {
		return fmt.Errorf("dialing %s failed: %w", *addr, err)
	}
	defer conn.Close()
	rw := bufio.NewReadWriter(bufio.NewReader(conn), bufio.NewWriter(conn))

	if _, err := rw.WriteString("STRING\nAdditional data.\n"); err != nil {
		return fmt.Errorf("sending STRING request: %w", err)
	}
	if err := rw.Flush(); err != nil {
		return fmt.Errorf("flushing STRING request: %w", err)
	}
	reply, err := rw.ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading STRING reply %q: %w", reply, err)
	}
	fmt.Println("STRING reply:", strings.TrimRight(reply, "\r\n"))

	// Command line and gob data go through the same buffered writer, so
	// they leave in order with a single flush.
	if _, err := rw.WriteString("GOB\n"); err != nil {
		return fmt.Errorf("sending GOB request: %w", err)
	}
	if err := gob.NewEncoder(rw).Encode(sampleData()); err != nil {
		return fmt.Errorf("encoding sample struct: %w", err)
	}
	if err := rw.Flush(); err != nil {
		return fmt.Errorf("flushing GOB data: %w", err)
	}
	return nil
}

// ---------------------------------------------------------------- encode

// extendedValue returns a struct that gob also names complexData (the type
// is local to this function, so it does not clash with the package-level
// one) with the five known fields plus extra fields of many gob kinds
// interleaved. A decoder for the tutorial's struct must skip the extras.
func extendedValue() interface{} {
	type complexData struct {
		N      int
		F      float64
		S      string
		B      bool
		M      map[string]int
		U      uint
		P      []byte
		I8     int8
		C      *complexData
		Cx     complex128
		L      []string
		A      [3]int
		MM     map[int][]byte
		Nested struct {
			X int
			Y string
		}
		T     time.Time // a GobEncoder: sent as opaque bytes
		Iface interface{}
		Ptrs  []*struct{ Z int }
	}
	v := complexData{
		N: 23, S: "string data",
		M: map[string]int{"one": 1, "two": 2, "three": 3},
		P: []byte("abc"),
		C: &complexData{
			N: 256, S: "Recursive structs? Piece of cake!",
			M: map[string]int{"01": 1, "10": 2, "11": 3},
			// The inner value's extras are non-zero as well, so skipping
			// is exercised at the nested level too.
			F: -0.25, B: true, U: 1, I8: 127, Cx: 3i,
			L: []string{"inner"}, A: [3]int{4, 5, 6},
			T:     time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
			Iface: 42,
			Ptrs:  []*struct{ Z int }{{Z: 8}},
		},
		F: 3.5, B: true, U: 300, I8: -5, Cx: 1 + 2i,
		L:     []string{"x", "yy"},
		A:     [3]int{1, -2, 3},
		MM:    map[int][]byte{7: []byte("seven")},
		T:     time.Date(2017, 2, 9, 12, 30, 45, 123456789, time.UTC),
		Iface: 11, // int is predefined in gob, no Register needed
		Ptrs:  []*struct{ Z int }{{Z: 1}, {Z: 2}},
	}
	v.Nested.X, v.Nested.Y = 9, "nine"
	v.C.Nested.X = -1
	return v
}

// mismatchValue has field N as a string: decoding into the tutorial's
// struct must fail on N.
func mismatchValue() interface{} {
	type complexData struct {
		N string
		S string
	}
	return complexData{N: "not a number", S: "string data"}
}

// sparseValue lacks N, M, P, C and has an unknown field: those must stay
// zero and Other must be skipped.
func sparseValue() interface{} {
	type complexData struct {
		S     string
		Other int
	}
	return complexData{S: "only S", Other: 5}
}

// deepValue chains depth values through C; the outermost has N 1, the
// innermost N depth. Built bottom-up to avoid recursion here.
func deepValue(depth int) interface{} {
	var inner *complexData
	for level := depth; level >= 1; level-- {
		inner = &complexData{N: level, C: inner}
	}
	if inner == nil {
		return complexData{}
	}
	return *inner
}

func runEncode(args []string) error {
	fs := flag.NewFlagSet("encode", flag.ExitOnError)
	variant := fs.String("variant", "sample",
		"sample|zero|extended|mismatch|sparse|deep|int")
	depth := fs.Int("depth", 2000, "nesting depth for -variant deep")
	fs.Parse(args)

	var v interface{}
	switch *variant {
	case "sample":
		v = sampleData()
	case "zero":
		v = complexData{}
	case "extended":
		v = extendedValue()
	case "mismatch":
		v = mismatchValue()
	case "sparse":
		v = sparseValue()
	case "deep":
		v = deepValue(*depth)
	case "int":
		v = 7 // not a struct: gob sends it as a singleton
	default:
		return fmt.Errorf("unknown variant %q", *variant)
	}
	// Encode into memory first so a failure writes nothing to stdout.
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("encoding variant %s: %w", *variant, err)
	}
	if _, err := os.Stdout.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing to stdout: %w", err)
	}
	return nil
}

// ---------------------------------------------------------------- decode

func runDecode(args []string) error {
	fs := flag.NewFlagSet("decode", flag.ExitOnError)
	fs.Parse(args)

	var data complexData
	if err := gob.NewDecoder(os.Stdin).Decode(&data); err != nil {
		// Tests match this exact prefix, so it bypasses the log prefix.
		fmt.Fprintln(os.Stderr, "decode error:", err)
		os.Exit(1)
	}
	fmt.Printf("%#v\n", data)
	fmt.Printf("%#v\n", data.C)
	return nil
}

// ---------------------------------------------------------------- bench

// sink keeps results alive so the compiler cannot drop the measured work.
var sink interface{}

// median sorts ns in place and returns its middle value (the mean of the
// two middle values for an even count).
func median(ns []float64) float64 {
	sort.Float64s(ns)
	n := len(ns)
	if n%2 == 1 {
		return ns[n/2]
	}
	return (ns[n/2-1] + ns[n/2]) / 2
}

// timeRuns runs op iters times per run and returns the median ns per op.
func timeRuns(runs, iters int, op func() error) (float64, error) {
	perOp := make([]float64, 0, runs)
	for r := 0; r < runs; r++ {
		start := time.Now()
		for i := 0; i < iters; i++ {
			if err := op(); err != nil {
				return 0, err
			}
		}
		perOp = append(perOp, float64(time.Since(start).Nanoseconds())/float64(iters))
	}
	return median(perOp), nil
}

func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	runs := fs.Int("runs", 7, "number of timed runs (median is reported)")
	iters := fs.Int("iters", 20000, "operations per run")
	fs.Parse(args)
	if *runs < 1 || *iters < 1 {
		return errors.New("-runs and -iters must be positive")
	}

	value := sampleData()
	var buf bytes.Buffer
	// A fresh encoder per op sends type definitions every time, which is
	// what each GOB command on the wire carries too.
	encNs, err := timeRuns(*runs, *iters, func() error {
		buf.Reset()
		return gob.NewEncoder(&buf).Encode(value)
	})
	if err != nil {
		return fmt.Errorf("encode benchmark: %w", err)
	}
	encoded := append([]byte(nil), buf.Bytes()...)

	decNs, err := timeRuns(*runs, *iters, func() error {
		var data complexData
		err := gob.NewDecoder(bytes.NewReader(encoded)).Decode(&data)
		sink = data.C
		return err
	})
	if err != nil {
		return fmt.Errorf("decode benchmark: %w", err)
	}
	fmt.Printf("go_encode_ns %d\n", int64(encNs+0.5))
	fmt.Printf("go_decode_ns %d\n", int64(decNs+0.5))
	return nil
}
