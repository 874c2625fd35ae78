-- gob.lua: a Wireshark dissector for Go's encoding/gob, any gob stream.
--
--   tshark -X lua_script:tools/wireshark/gob.lua -d tcp.port==PORT,gob -r FILE -V
--
-- tutorial.lua (the tutorial's command protocol) loads this file and hands
-- it the bytes after each GOB command; on its own it dissects a TCP stream
-- chosen with Decode As, or packets exported with the dissector name "gob"
-- (text2pcap -P gob: each packet a gob stream of its own).
--
-- The wire format is in docs/protocol.md ("The gob wire format, from the
-- bottom up") and in Go's own `go doc encoding/gob`. What this file adds:
--
--   * every message: its length prefix, its type id, then either a type
--     definition (gob's wireType: the kind, the name, each field's name and
--     type id, a map's key and element, an array's length) or a value,
--     decoded field by field against the definitions seen earlier in the
--     same stream, with the field deltas, names and typed values;
--   * filterable fields: gob.type_name == "complexData",
--     gob.field.name == "S", gob.path == "v.C.S", gob.int == 23, ...;
--   * TCP reassembly: a message split over segments is dissected once it is
--     whole; several messages in one segment are each dissected;
--   * bounds: the limits of the C++ decoder (common/gob/decoder.hpp: 1 MiB a
--     message, 1000 levels of nesting, definitions of at most 1 MiB per
--     stream, every count checked against the bytes left) are preferences
--     with the same defaults; what breaks a rule becomes expert info on that
--     message, never a Lua error. The tree shows the first levels and the
--     first elements of each collection; the rest is decoded, and checked,
--     without being shown.
--
-- The bytes of one message are read into a Lua string first (fast), then
-- read with the helpers below; tree items point back into the tvb.

-- Loaded once, whether from the plugin folder, by -X lua_script or by
-- tutorial.lua; the plugins share _G, not their other globals.
if _G.gob_dissector ~= nil then return end

local M = {}
_G.gob_dissector = M

local byte, sub, format = string.byte, string.sub, string.format

-- ------------------------------------------------------------- protocol --

local gob = Proto("gob", "Go gob stream")
M.proto = gob

gob.prefs.max_message = Pref.uint("Largest message (bytes)", 1048576,
  "A longer length prefix is refused, as ./server --max-message refuses it")
gob.prefs.max_depth = Pref.uint("Deepest nesting (levels)", 1000,
  "Values nested deeper are refused, as the C++ decoder refuses them")
gob.prefs.shown_depth = Pref.uint("Levels shown in the tree", 48,
  "Deeper levels are decoded and checked but not shown")
gob.prefs.shown_elements = Pref.uint("Elements shown per slice, array or map", 200,
  "Further elements are decoded and checked but not shown")
gob.prefs.shown_items = Pref.uint("Tree items per message", 20000,
  "After this many items the rest of the message is decoded but not shown")

local KIND_NAMES = {
  [0] = "ArrayT", [1] = "SliceT", [2] = "StructT", [3] = "MapT",
  [4] = "GobEncoderT", [5] = "BinaryMarshalerT", [6] = "TextMarshalerT",
}
local KIND_BODY = {
  [0] = "arrayType", [1] = "sliceType", [2] = "structType", [3] = "mapType",
  [4] = "gobEncoderType", [5] = "gobEncoderType", [6] = "gobEncoderType",
}
local BASIC = {
  [1] = "bool", [2] = "int", [3] = "uint", [4] = "float",
  [5] = "[]byte", [6] = "string", [7] = "complex", [8] = "interface",
}
local FIRST_USER_ID = 64

local f = {
  length       = ProtoField.uint32("gob.length", "Length prefix", base.DEC),
  type_id      = ProtoField.int32("gob.type_id", "Type id", base.DEC),
  defines      = ProtoField.int32("gob.defines", "Defines type", base.DEC),
  value_of     = ProtoField.int32("gob.value_of", "A value of type", base.DEC),
  continued    = ProtoField.uint32("gob.continued", "Continuation message length", base.DEC),
  -- type definitions (wireType)
  wiretype     = ProtoField.none("gob.wiretype", "Type definition"),
  kind         = ProtoField.uint8("gob.kind", "Kind", base.DEC, KIND_NAMES),
  body         = ProtoField.none("gob.def.body", "Body"),
  common       = ProtoField.none("gob.def.common", "CommonType"),
  type_name    = ProtoField.string("gob.type_name", "Type name"),
  common_id    = ProtoField.int32("gob.def.id", "Id", base.DEC),
  field_count  = ProtoField.uint32("gob.def.fields", "Fields", base.DEC),
  def_field    = ProtoField.none("gob.def.field", "Field"),
  def_name     = ProtoField.string("gob.def.field.name", "Field name"),
  def_type     = ProtoField.int32("gob.def.field.type", "Field type id", base.DEC),
  key_type     = ProtoField.int32("gob.def.key", "Key type id", base.DEC),
  elem_type    = ProtoField.int32("gob.def.elem", "Element type id", base.DEC),
  array_len    = ProtoField.int64("gob.def.len", "Array length", base.DEC),
  delta        = ProtoField.uint32("gob.delta", "Field delta", base.DEC),
  ["end"]      = ProtoField.none("gob.end", "End of struct"),
  -- values
  field_name   = ProtoField.string("gob.field.name", "Field name"),
  field_number = ProtoField.uint32("gob.field.number", "Field number", base.DEC),
  path         = ProtoField.string("gob.path", "Path"),
  struct       = ProtoField.none("gob.struct", "Struct"),
  slice        = ProtoField.none("gob.slice", "Slice"),
  array        = ProtoField.none("gob.array", "Array"),
  map          = ProtoField.none("gob.map", "Map"),
  entry        = ProtoField.none("gob.entry", "Map entry"),
  count        = ProtoField.uint32("gob.count", "Count", base.DEC),
  bool         = ProtoField.bool("gob.bool", "bool"),
  int          = ProtoField.int64("gob.int", "int", base.DEC),
  uint         = ProtoField.uint64("gob.uint", "uint", base.DEC),
  float        = ProtoField.double("gob.float", "float"),
  complex      = ProtoField.none("gob.complex", "complex"),
  real         = ProtoField.double("gob.complex.real", "Real part"),
  imag         = ProtoField.double("gob.complex.imag", "Imaginary part"),
  string       = ProtoField.string("gob.string", "string"),
  bytes        = ProtoField.bytes("gob.bytes", "[]byte"),
  size         = ProtoField.uint32("gob.size", "Byte count", base.DEC),
  interface    = ProtoField.none("gob.interface", "Interface value"),
  iface_name   = ProtoField.string("gob.interface.name", "Concrete type name"),
  iface_type   = ProtoField.int32("gob.interface.type_id", "Concrete type id", base.DEC),
  -- Two counts the decoder reads and does not use: any 64-bit number.
  iface_len    = ProtoField.uint64("gob.interface.length", "Value length", base.DEC),
  chunk        = ProtoField.uint64("gob.interface.chunk", "Length of what follows the definition",
    base.DEC),
  nil_value    = ProtoField.none("gob.nil", "nil interface"),
  encoded      = ProtoField.bytes("gob.encoded", "Self-encoded bytes"),
}
local field_list = {}
for _, field in pairs(f) do field_list[#field_list + 1] = field end
gob.fields = field_list

local e = {
  malformed = ProtoExpert.new("gob.malformed", "Malformed gob", expert.group.MALFORMED,
    expert.severity.ERROR),
  limit     = ProtoExpert.new("gob.limit", "Over the decoder's limit", expert.group.MALFORMED,
    expert.severity.ERROR),
  truncated = ProtoExpert.new("gob.truncated", "Truncated gob", expert.group.MALFORMED,
    expert.severity.ERROR),
  odd       = ProtoExpert.new("gob.odd", "Unusual but accepted", expert.group.PROTOCOL,
    expert.severity.WARN),
  hidden    = ProtoExpert.new("gob.not_shown", "Decoded, not shown", expert.group.COMMENTS_GROUP,
    expert.severity.NOTE),
  internal  = ProtoExpert.new("gob.internal", "Dissector bug", expert.group.UNDECODED,
    expert.severity.ERROR),
}
gob.experts = { e.malformed, e.limit, e.truncated, e.odd, e.hidden, e.internal }
M.experts = e

-- ------------------------------------------------------------ formatting --

-- Go's strconv.Quote, for the runes that matter here: escapes for control
-- characters, quotes and backslashes, \xNN for bytes that are not UTF-8,
-- \uNNNN for a few invisible runes; printable UTF-8 is kept as it is.
local ESCAPES = {
  [7] = "\\a", [8] = "\\b", [9] = "\\t", [10] = "\\n", [11] = "\\v", [12] = "\\f",
  [13] = "\\r", [34] = '\\"', [92] = "\\\\",
}

local function utf8_rune(s, i)
  local b = byte(s, i)
  local length, rune, low
  if b >= 0xc2 and b <= 0xdf then length, rune, low = 2, b - 0xc0, 0x80
  elseif b >= 0xe0 and b <= 0xef then length, rune, low = 3, b - 0xe0, 0x800
  elseif b >= 0xf0 and b <= 0xf4 then length, rune, low = 4, b - 0xf0, 0x10000
  else return nil end
  for k = 1, length - 1 do
    local c = byte(s, i + k)
    if c == nil or c < 0x80 or c > 0xbf then return nil end
    rune = rune * 64 + (c - 0x80)
  end
  if rune < low or rune > 0x10ffff or (rune >= 0xd800 and rune <= 0xdfff) then return nil end
  return length, rune
end

local function invisible(rune)
  return (rune >= 0x80 and rune <= 0x9f) or rune == 0xad or (rune >= 0x200b and rune <= 0x200f)
    or (rune >= 0x2028 and rune <= 0x202e) or (rune >= 0x2060 and rune <= 0x206f)
    or rune == 0xfeff or (rune >= 0xfff9 and rune <= 0xfffb) or (rune >= 0xe000 and rune <= 0xf8ff)
    or rune >= 0xf0000
end

-- Quotes at most `max` bytes of s; a longer s ends in "..." and its size.
local function go_quote(s, max)
  max = max or 96
  local out, i, n = {}, 1, #s
  local stop = math.min(n, max)
  while i <= stop do
    local b = byte(s, i)
    if b < 0x80 then
      if ESCAPES[b] then out[#out + 1] = ESCAPES[b]
      elseif b < 0x20 or b == 0x7f then out[#out + 1] = format("\\x%02x", b)
      else out[#out + 1] = string.char(b) end
      i = i + 1
    else
      local length, rune = utf8_rune(s, i)
      if length == nil then
        out[#out + 1] = format("\\x%02x", b)
        i = i + 1
      elseif invisible(rune) then
        out[#out + 1] = rune > 0xffff and format("\\U%08x", rune) or format("\\u%04x", rune)
        i = i + length
      else
        out[#out + 1] = sub(s, i, i + length - 1)
        i = i + length
      end
    end
  end
  local text = '"' .. table.concat(out) .. '"'
  if n > stop then text = text .. format("... (%d bytes)", n) end
  return text
end
M.go_quote = go_quote

-- Go's %v of a float64 (strconv.FormatFloat(v, 'g', -1, 64)): the fewest
-- digits that read back as v, in %e form when the exponent is below -4 or
-- at least 6.
local function go_float(v)
  if v ~= v then return "NaN" end
  if v == math.huge then return "+Inf" end
  if v == -math.huge then return "-Inf" end
  if v == 0 then return (1 / v < 0) and "-0" or "0" end
  local s
  for precision = 1, 17 do
    s = format("%." .. (precision - 1) .. "e", v)
    if tonumber(s) == v then break end
  end
  local sign, first, rest, exponent = s:match("^(-?)(%d)%.?(%d*)e([-+]%d+)$")
  local digits = (first .. rest):gsub("0+$", "")
  local exp = tonumber(exponent)
  local nd, dp = #digits, exp + 1
  if exp < -4 or exp >= 6 then
    local mantissa = sub(digits, 1, 1)
    if nd > 1 then mantissa = mantissa .. "." .. sub(digits, 2) end
    return format("%s%se%s%02d", sign, mantissa, exp < 0 and "-" or "+", math.abs(exp))
  end
  local whole, fraction
  if dp <= 0 then
    whole, fraction = "0", string.rep("0", -dp) .. digits
  elseif dp >= nd then
    whole, fraction = digits .. string.rep("0", dp - nd), ""
  else
    whole, fraction = sub(digits, 1, dp), sub(digits, dp + 1)
  end
  return sign .. whole .. (fraction ~= "" and ("." .. fraction) or "")
end
M.go_float = go_float

local function go_complex(re, im)
  local imag = go_float(im)
  if not imag:match("^[-+]") then imag = "+" .. imag end
  return "(" .. go_float(re) .. imag .. "i)"
end

-- A name from the stream for a label: as it is when it is printable ASCII,
-- else quoted (a hostile stream may send any bytes as a name).
local function name_text(s)
  if s ~= "" and s:find("^[\32-\126]*$") then return s end
  return go_quote(s, 64)
end

-- "% x" of at most `max` bytes.
local function hex_bytes(s, max)
  max = max or 32
  local parts = {}
  for i = 1, math.min(#s, max) do parts[i] = format("%02x", byte(s, i)) end
  local text = table.concat(parts, " ")
  if #s > max then text = text .. format(" ... (%d bytes)", #s) end
  return text
end

-- A decimal integer from a double that holds it exactly.
local function decimal(v) return format("%.0f", v) end

-- --------------------------------------------------------------- errors --

-- A gob rule broken at bytes [start, stop) of the reader: raised with
-- error() and caught once per message, where it becomes expert info.
local function fail(r, start, kind, text)
  error({ gob = true, kind = kind, text = text, start = start, stop = r.pos }, 0)
end

-- More bytes are needed than the tvb holds (only while measuring a message
-- whose value continues in the next one).
local function need_more(count)
  error({ gob = true, need = count }, 0)
end

-- ---------------------------------------------------------- the reader --

-- r.s holds the bytes of the stream from tvb offset r.base on; r.pos is the
-- next byte to read (0-based, into r.s) and r.limit the end of the current
-- message. Every read is checked against r.limit.

local TWO_53 = 2 ^ 53

-- An unsigned integer: returns its value as a double (exact below 2^53),
-- the offset of its value bytes and their count (0 for a one-byte number).
local function get_uint(r)
  local p = r.pos
  if p >= r.limit then fail(r, p, "truncated", "the message ends in the middle of a value") end
  local b = byte(r.s, p + 1)
  if b < 128 then
    r.pos = p + 1
    return b, p, 0
  end
  local n = 256 - b
  if n > 8 then
    r.pos = p + 1
    fail(r, p, "malformed", format("an unsigned integer of %d bytes (at most 8 fit in 64 bits)", n))
  end
  if p + 1 + n > r.limit then
    r.pos = r.limit
    fail(r, p, "truncated", "the message ends inside an unsigned integer")
  end
  local v = 0
  for k = 1, n do v = v * 256 + byte(r.s, p + 1 + k) end
  r.pos = p + 1 + n
  return v, p + 1, n
end

-- The exact UInt64 of an integer read by get_uint.
local function exact_uint(r, v, at, n)
  if n == 0 or v < TWO_53 then return UInt64(v) end
  return r.tvb:range(r.base + at, n):uint64()
end

-- A signed integer as a double (exact when it fits 53 bits) and, when it
-- does not, the exact Int64 too.
local function get_int(r)
  local v, at, n = get_uint(r)
  if v < TWO_53 then
    if v % 2 == 1 then return -(v - 1) / 2 - 1, nil end
    return v / 2, nil
  end
  local u = r.tvb:range(r.base + at, n):uint64()
  local magnitude = u:rshift(1)
  local i = Int64(magnitude:lower(), magnitude:higher())
  if u:band(1) == UInt64(1) then i = -i - 1 end
  return i:tonumber(), i
end

local function get_type_id(r, what)
  local start = r.pos
  local id = get_int(r)
  if id > 2147483647 or id < -2147483647 then
    fail(r, start, "malformed", format("%s %s is out of range (type ids are 32-bit)", what, decimal(id)))
  end
  return id
end

-- A count of items that follow, each at least `min_size` bytes: refused when
-- the rest of the message cannot hold them (WireReader::get_count).
local function get_count(r, min_size, what)
  local start = r.pos
  local count = get_uint(r)
  local left = r.limit - r.pos
  if count * min_size > left then
    fail(r, start, "limit", format("%s %s exceeds what the %d bytes left in the message can hold",
      what or "count", decimal(count), left))
  end
  return count
end

-- A length-prefixed string or []byte: the bytes, and where they start.
local function get_string(r, what)
  local size = get_count(r, 1, what or "string length")
  local at = r.pos
  r.pos = at + size
  return sub(r.s, at + 1, at + size), at
end

-- A float64: 8 IEEE-754 bytes, reversed, sent as an unsigned integer.
local function get_float(r)
  local v, at, n = get_uint(r)
  local bytes = {}
  if n == 0 then
    bytes[1] = v
    n = 1
  else
    for k = 1, n do bytes[k] = byte(r.s, at + n - k + 1) end
  end
  for k = n + 1, 8 do bytes[k] = 0 end
  local sign = bytes[1] >= 128 and -1 or 1
  local exponent = (bytes[1] % 128) * 16 + math.floor(bytes[2] / 16)
  local mantissa = bytes[2] % 16
  for k = 3, 8 do mantissa = mantissa * 256 + bytes[k] end
  if exponent == 0x7ff then
    if mantissa == 0 then return sign * math.huge end
    return 0 / 0
  end
  if exponent == 0 then return sign * mantissa * 2 ^ -1074 end
  return sign * (mantissa + 2 ^ 52) * 2 ^ (exponent - 1075)
end

-- --------------------------------------------------------------- types --

-- A stream's definitions, in the order they arrived. A view is a decoder's
-- state at one point of the stream: it sees the first `count` definitions
-- only. Wireshark dissects a packet again whenever it is shown, in any
-- order, and each message must see exactly what the decoder had seen when
-- it arrived.
function M.new_stream()
  return { defs = {}, by_id = {} }
end

function M.new_view(stream)
  return { stream = stream, count = 0, def_bytes = 0, messages = 0 }
end

local function copy_view(view)
  return { stream = view.stream, count = view.count, def_bytes = view.def_bytes,
           messages = view.messages }
end
M.copy_view = copy_view

local function lookup(view, id)
  if view.overlay and view.overlay[id] then return view.overlay[id] end
  local index = view.stream.by_id[id]
  if index and index <= view.count then return view.stream.defs[index].wt end
  return nil
end

-- Records a definition. `commit`: the first pass over the stream, so the
-- definition joins the stream's list. Otherwise it is there already (a
-- later pass sees the same definitions in the same order), or, while
-- measuring a message, kept aside in the view.
local function record(view, id, wt, commit)
  local defs = view.stream.defs
  local following = defs[view.count + 1]
  if following and following.id == id then
    view.count = view.count + 1
  elseif commit and following == nil then
    defs[#defs + 1] = { id = id, wt = wt }
    view.stream.by_id[id] = view.stream.by_id[id] or #defs
    view.count = #defs
  else
    view.overlay = view.overlay or {}
    view.overlay[id] = wt
  end
end

local function type_name(view, id)
  if BASIC[id] then return BASIC[id] end
  local wt = lookup(view, id)
  if wt and wt.name ~= "" then return name_text(wt.name) end
  return "type " .. decimal(id)
end

local function describe(view, id)
  local wt = lookup(view, id)
  if wt and wt.kind == 2 then return "struct " .. type_name(view, id) end
  if wt and wt.kind >= 4 then return type_name(view, id) .. " (" .. KIND_NAMES[wt.kind] .. ")" end
  return type_name(view, id)
end

-- Whether a value of type `id` may hold an interface value, whose bytes may
-- go on in the next message (see walk_interface). A walk over the type
-- graph with a list, not recursion: a hostile stream may chain thousands of
-- definitions, and this runs outside the per-message error handler.
local function may_hold_interface(view, id)
  local seen, pending = {}, { id }
  while #pending > 0 do
    local next_id = table.remove(pending)
    if next_id == 8 then return true end
    if not BASIC[next_id] and not seen[next_id] then
      seen[next_id] = true
      local wt = lookup(view, next_id)
      if wt and wt.kind == 2 then
        for _, field in ipairs(wt.fields) do pending[#pending + 1] = field.id end
      elseif wt and wt.kind <= 3 then
        pending[#pending + 1] = wt.elem
        if wt.kind == 3 then pending[#pending + 1] = wt.key end
      end
    end
  end
  return false
end

-- ---------------------------------------------------------- tree helpers --

-- c is the state of one message's dissection: c.r the reader, c.view the
-- decoder's state, c.commit, c.items (tree items left). A node of nil
-- means: decode and check, but show nothing.

local function range_of(c, start, length)
  local tvb_len = c.r.tvb:len()
  local at = c.r.base + start
  if at >= tvb_len then return nil end
  if length < 1 then length = 1 end
  if at + length > tvb_len then length = tvb_len - at end
  return c.r.tvb:range(at, length)
end

local function note_hidden(node, text)
  if node then node:add_proto_expert_info(e.hidden, text) end
end

-- Adds an item for bytes [start, start + length) of r.s (no bytes when start
-- is nil); value and text are optional.
local function add(c, node, field, start, length, value, text)
  if node == nil then return nil end
  if c.items <= 0 then
    if not c.budget_noted then
      c.budget_noted = true
      note_hidden(c.message_item, format("more than %d tree items: the rest of the message is "
        .. "decoded and checked but not shown (preference gob.shown_items)", gob.prefs.shown_items))
    end
    return nil
  end
  c.items = c.items - 1
  local range = start and range_of(c, start, length)
  local item
  if range and value ~= nil then item = node:add(field, range, value)
  elseif range then item = node:add(field, range)
  elseif value ~= nil then item = node:add(field, value)
  else item = node:add(field) end
  if text then item:set_text(text) end
  return item
end

local function add_generated(c, node, field, value, text)
  local item = add(c, node, field, nil, 0, value, text)
  if item then item:set_generated() end
  return item
end

-- Stretches `item` over everything read since `start`.
local function finish(c, item, start)
  if item and c.r.pos > start then item:set_len(c.r.pos - start) end
end

local function add_end(c, node, at, what)
  add(c, node, f["end"], at, 1, nil, "End of " .. what .. " (0)")
end

-- ----------------------------------------------------- type definitions --

-- Reads the (field delta, value) pairs of a struct with `count` fields,
-- calling on_field(number, start, delta) for each; returns the offset of the
-- closing 0.
local function read_fields(c, count, what, on_field)
  local r = c.r
  local number = -1
  while true do
    local start = r.pos
    local delta = get_uint(r)
    if delta == 0 then return start end
    if delta > count - 1 - number then
      fail(r, start, "malformed", format("%s: field delta %s out of range (it points at field "
        .. "%s; %s has %d fields)", what, decimal(delta), decimal(number + delta), what, count))
    end
    number = number + delta
    on_field(number, start, delta)
  end
end

local function read_common(c, node, wt)
  local r = c.r
  local stop = read_fields(c, 2, "CommonType", function(number, start)
    if number == 0 then
      wt.name = get_string(r, "type name length")
      add(c, node, f.type_name, start, r.pos - start, wt.name, "Name: " .. go_quote(wt.name))
    else
      wt.id = get_type_id(r, "CommonType.Id")
      add(c, node, f.common_id, start, r.pos - start, wt.id, "Id: " .. decimal(wt.id))
    end
  end)
  add_end(c, node, stop, "CommonType")
end

local function read_field_list(c, node, wt, start)
  local r = c.r
  local count = get_count(r, 1, "field count")
  local list = add(c, node, f.field_count, start, r.pos - start, count,
    format("Field: %s fields", decimal(count)))
  for index = 1, count do
    local field_start = r.pos
    local field = { name = "", id = 0 }
    local item = add(c, list, f.def_field, field_start, 1, nil, format("[%d]", index - 1))
    local stop = read_fields(c, 2, "fieldType", function(number, at)
      if number == 0 then
        field.name = get_string(r, "field name length")
        add(c, item, f.def_name, at, r.pos - at, field.name, "Name: " .. go_quote(field.name))
      else
        local id = get_type_id(r, "field type id")
        if id <= 0 then
          fail(r, at, "malformed", format("field %s refers to invalid type id %s",
            go_quote(field.name), decimal(id)))
        end
        field.id = id
        add(c, item, f.def_type, at, r.pos - at, id,
          format("Type id: %s (%s)", decimal(id), c.name_of(id)))
      end
    end)
    add_end(c, item, stop, "fieldType")
    wt.fields[index] = field
    if item then
      item:set_text(format("[%d] %s: type id %s (%s)", index - 1, name_text(field.name), decimal(field.id),
        c.name_of(field.id)))
      finish(c, item, field_start)
    end
  end
  finish(c, list, start)
end

-- The fields of each kind's body (arrayType, sliceType, structType, mapType,
-- gobEncoderType); field 0 is always the CommonType.
local FIELD_COUNTS = { [0] = 3, [1] = 2, [2] = 2, [3] = 3, [4] = 1, [5] = 1, [6] = 1 }

local function read_type_body(c, node, wt)
  local r = c.r
  local stop = read_fields(c, FIELD_COUNTS[wt.kind], KIND_BODY[wt.kind], function(number, start)
    if number == 0 then
      local common = add(c, node, f.common, start, 1, nil, "CommonType")
      read_common(c, common, wt)
      if common then
        common:set_text(format("CommonType: %s, id %s", go_quote(wt.name), decimal(wt.id or 0)))
        finish(c, common, start)
      end
    elseif wt.kind == 2 then
      read_field_list(c, node, wt, start)
    elseif wt.kind == 0 and number == 2 then
      local length, exact = get_int(r)
      wt.len = length
      add(c, node, f.array_len, start, r.pos - start, exact or Int64(length),
        "Len: " .. (exact and tostring(exact) or decimal(length)))
    else
      local id = get_type_id(r, "element type id")
      if id <= 0 then
        fail(r, start, "malformed", "a type definition refers to invalid type id " .. decimal(id))
      end
      if wt.kind == 3 and number == 1 then
        wt.key = id
        add(c, node, f.key_type, start, r.pos - start, id,
          format("Key: type id %s (%s)", decimal(id), c.name_of(id)))
      else
        wt.elem = id
        add(c, node, f.elem_type, start, r.pos - start, id,
          format("Elem: type id %s (%s)", decimal(id), c.name_of(id)))
      end
    end
  end)
  add_end(c, node, stop, KIND_BODY[wt.kind])
end

local function summary_of(view, wt)
  local what = KIND_NAMES[wt.kind] .. " " .. (wt.name ~= "" and name_text(wt.name) or "(no name)")
  if wt.kind == 2 then
    local names = {}
    for k, field in ipairs(wt.fields) do
      if k > 8 then
        names[#names + 1] = "..."
        break
      end
      names[#names + 1] = format("%s %s", name_text(field.name), type_name(view, field.id))
    end
    return what .. " {" .. table.concat(names, "; ") .. "}"
  elseif wt.kind == 3 then
    return format("%s: key %s, element %s", what, type_name(view, wt.key), type_name(view, wt.elem))
  elseif wt.kind <= 1 then
    return format("%s: element %s%s", what, type_name(view, wt.elem),
      wt.kind == 0 and format(", length %s", decimal(wt.len or 0)) or "")
  end
  return what
end

-- The id a definition is for, from its message or an interface's type
-- sequence: checked as TypeTable::define checks it.
local function check_new_id(c, start, id)
  if id < FIRST_USER_ID then
    fail(c.r, start, "malformed", format("type id %s is reserved (definitions start at 64)",
      decimal(id)))
  end
  if lookup(c.view, id) then
    fail(c.r, start, "malformed", format("type id %s is defined twice", decimal(id)))
  end
end

-- A wireType value: which of its seven fields is set says the kind.
local function read_definition(c, node, id)
  local r = c.r
  local start = r.pos
  local wt = { kind = nil, name = "", id = nil, fields = {} }
  -- How the definition names the types it refers to: itself by its own
  -- name, a type not defined yet as such.
  c.name_of = function(ref)
    if ref == id then
      return (wt.name ~= "" and name_text(wt.name) or "type " .. decimal(id)) .. ", this type"
    end
    if BASIC[ref] or lookup(c.view, ref) then return type_name(c.view, ref) end
    return "type " .. decimal(ref) .. ", not defined yet"
  end
  local item = add(c, node, f.wiretype, start, 1, nil, "wireType")
  local stop = read_fields(c, 7, "wireType", function(number, at, delta)
    if wt.kind ~= nil then fail(r, at, "malformed", "the type definition names two kinds") end
    wt.kind = number
    add(c, item, f.kind, at, r.pos - at, number, format("Kind: %s (field delta %s -> wireType "
      .. "field %d)", KIND_NAMES[number], decimal(delta), number))
    local body_start = r.pos
    local body = add(c, item, f.body, body_start, 1, nil, KIND_BODY[number])
    read_type_body(c, body, wt)
    finish(c, body, body_start)
  end)
  add_end(c, item, stop, "wireType")
  if wt.kind == nil then fail(r, start, "malformed", "an empty type definition (no kind)") end
  -- A zero is not sent: an array type without Len has length 0 ([0]int).
  if wt.kind == 0 then wt.len = wt.len or 0 end
  if wt.kind == 0 and wt.len < 0 then
    fail(r, start, "malformed", "an array type with a negative length")
  end
  if wt.kind <= 1 or wt.kind == 3 then
    if wt.elem == nil then fail(r, start, "malformed", "a type definition without an element type") end
    if wt.kind == 3 and wt.key == nil then
      fail(r, start, "malformed", "a map type definition without a key type")
    end
  end
  record(c.view, id, wt, c.commit)
  if item then
    item:set_text("wireType: " .. summary_of(c.view, wt))
    finish(c, item, start)
    if wt.id and wt.id ~= id then
      item:add_proto_expert_info(e.odd, format("CommonType.Id %s differs from the id this "
        .. "definition is for (%s)", decimal(wt.id), decimal(id)))
    end
  end
  return wt
end

-- ---------------------------------------------------------------- values --

local walk_value -- (c, id, depth, node, name, path, lead): the value's short text

-- Where a value's items go: nowhere once the tree is deep enough.
local function shown(c, node, depth)
  if node == nil or depth <= gob.prefs.shown_depth then return node end
  if not c.depth_noted then
    c.depth_noted = true
    note_hidden(node, format("values nested deeper than %d levels are decoded and checked but "
      .. "not shown (preference gob.shown_depth)", gob.prefs.shown_depth))
  end
  return nil
end

local function enter(c, depth, start)
  if depth > gob.prefs.max_depth then
    fail(c.r, start, "limit", format("a value nested deeper than the limit of %d levels",
      gob.prefs.max_depth))
  end
end

-- What goes under a value's item before its content: for a struct field its
-- field delta, name and number; then the path (none inside map keys).
local function decorate(c, item, path, lead)
  if item == nil then return end
  if lead then
    add(c, item, f.delta, lead.start, lead.length, lead.delta,
      format("Field delta: %s -> field %d", decimal(lead.delta), lead.number))
    add_generated(c, item, f.field_name, lead.name, "Field name: " .. name_text(lead.name))
    add_generated(c, item, f.field_number, lead.number, "Field number: " .. lead.number)
  end
  if path then add_generated(c, item, f.path, path, "Path: " .. name_text(path)) end
end

local function walk_struct(c, wt, depth, node, path)
  local r = c.r
  local number = -1
  local count = #wt.fields
  local name = wt.name ~= "" and name_text(wt.name) or "struct"
  while true do
    local start = r.pos
    local delta = get_uint(r)
    if delta == 0 then
      add_end(c, node, start, name)
      return
    end
    if delta > count - 1 - number then
      fail(r, start, "malformed", format("field delta %s out of range in %s (it points at "
        .. "field %s; the struct has %d fields)", decimal(delta), name, decimal(number + delta),
        count))
    end
    number = number + delta
    local field = wt.fields[number + 1]
    local lead = { start = start, length = r.pos - start, delta = delta, number = number,
                   name = field.name }
    walk_value(c, field.id, depth, node, name_text(field.name), path and (path .. "." .. field.name),
      lead)
  end
end

-- One value of a basic type (ids 1 to 7): its item, and its text.
local function walk_basic(c, id, node, name, path, lead)
  local r = c.r
  local start = r.pos
  local v, at, n, text, item
  local label = name .. " (" .. BASIC[id] .. "): "
  if id == 1 then
    v = get_uint(r)
    text = v ~= 0 and "true" or "false"
    item = add(c, node, f.bool, start, r.pos - start, v ~= 0, label .. text)
    decorate(c, item, path, lead)
    if item and v > 1 then item:add_proto_expert_info(e.odd, "a bool sent as " .. decimal(v)) end
  elseif id == 2 then
    local exact
    v, exact = get_int(r)
    text = exact and tostring(exact) or decimal(v)
    item = add(c, node, f.int, start, r.pos - start, exact or Int64(v), label .. text)
    decorate(c, item, path, lead)
  elseif id == 3 then
    v, at, n = get_uint(r)
    local exact = exact_uint(r, v, at, n)
    text = v < TWO_53 and decimal(v) or tostring(exact)
    item = add(c, node, f.uint, start, r.pos - start, exact, label .. text)
    decorate(c, item, path, lead)
  elseif id == 4 then
    v = get_float(r)
    text = go_float(v)
    item = add(c, node, f.float, start, r.pos - start, v, label .. text)
    decorate(c, item, path, lead)
  elseif id == 5 or id == 6 then
    local s
    s, at = get_string(r, id == 5 and "[]byte length" or "string length")
    text = go_quote(s)
    if id == 6 then
      item = add(c, node, f.string, at, #s, s, label .. text)
    elseif #s > 0 then
      item = add(c, node, f.bytes, at, #s, nil, label .. text)
    else
      item = add(c, node, f.bytes, start, 1, nil, label .. text)
    end
    decorate(c, item, path, lead)
    add(c, item, f.size, start, at - start, #s, format("Length: %d bytes", #s))
  else
    local re = get_float(r)
    local middle = r.pos
    local im = get_float(r)
    text = go_complex(re, im)
    item = add(c, node, f.complex, start, r.pos - start, nil, label .. text)
    decorate(c, item, path, lead)
    if item then
      add(c, item, f.real, start, middle - start, re, "Real part: " .. go_float(re))
      add(c, item, f.imag, middle, r.pos - middle, im, "Imaginary part: " .. go_float(im))
    end
  end
  return text
end

-- A slice, an array or a map: a count, then the elements (or key, value).
local function walk_collection(c, wt, depth, node, name, path, lead)
  local r = c.r
  local start = r.pos
  local is_map = wt.kind == 3
  local noun = is_map and " entries" or " elements"
  local count = get_count(r, is_map and 2 or 1, is_map and "map entry count" or "element count")
  if wt.kind == 0 and count ~= wt.len then
    fail(r, start, "malformed", format("an array of length %s sent with %s elements",
      decimal(wt.len), decimal(count)))
  end
  local field = is_map and f.map or (wt.kind == 0 and f.array or f.slice)
  local label = format("%s (%s): %s%s", name, wt.name ~= "" and name_text(wt.name)
    or KIND_NAMES[wt.kind], decimal(count), noun)
  local item = add(c, node, field, start, r.pos - start, nil, label)
  decorate(c, item, path, lead)
  add(c, item, f.count, start, r.pos - start, count, "Count: " .. decimal(count) .. noun)
  local limit = gob.prefs.shown_elements
  for index = 0, count - 1 do
    local under = item
    if index >= limit then
      if index == limit then
        note_hidden(item, format("%s more%s decoded and checked but not shown (preference "
          .. "gob.shown_elements)", decimal(count - limit), noun))
      end
      under = nil
    end
    if is_map then
      local entry_start = r.pos
      local entry = add(c, under, f.entry, entry_start, 1, nil, "entry")
      local key_text, key_basic = walk_value(c, wt.key, depth, entry, "key", nil)
      local segment = key_basic and ("[" .. key_text .. "]") or format("[#%d]", index)
      local value_text = walk_value(c, wt.elem, depth, entry, "value", path and (path .. segment))
      if entry then
        entry:set_text(segment .. ": " .. value_text)
        finish(c, entry, entry_start)
      end
    else
      local segment = format("[%d]", index)
      walk_value(c, wt.elem, depth, under, segment, path and (path .. segment))
    end
  end
  finish(c, item, start)
  return decimal(count) .. noun
end

-- Reads a continuation message header: the next message of the stream,
-- where a value goes on after an inline type definition.
local function continue_value(c, node)
  local r = c.r
  local tvb = r.tvb
  local at = r.base + r.limit
  local available = tvb:len() - at
  if available < 1 then need_more(DESEGMENT_ONE_MORE_SEGMENT) end
  local first = tvb:range(at, 1):uint()
  local prefix, size = 1, first
  if first >= 128 then
    local n = 256 - first
    if n > 8 then
      r.pos = r.limit
      fail(r, r.limit, "malformed", format("the next message's length prefix is an unsigned "
        .. "integer of %d bytes", n))
    end
    prefix = 1 + n
    if available < prefix then need_more(prefix - available) end
    size = tvb:range(at + 1, n):uint64():tonumber()
  end
  if size == 0 or size > gob.prefs.max_message then
    r.s = r.s .. tvb:raw(at, prefix)
    r.pos, r.limit = r.limit, r.limit + prefix
    local start = r.pos
    r.pos = r.limit
    if size == 0 then fail(r, start, "malformed", "an empty message") end
    fail(r, start, "limit", format("a message of %s bytes exceeds the limit of %d bytes "
      .. "(--max-message)", decimal(size), gob.prefs.max_message))
  end
  if available < prefix + size then need_more(prefix + size - available) end
  r.s = r.s .. tvb:raw(at, prefix + size)
  local start = r.limit
  r.pos, r.limit = start + prefix, start + prefix + size
  c.view.messages = c.view.messages + 1
  add(c, node, f.continued, start, prefix, size, format("Message %d begins: length prefix %s; "
    .. "the value goes on in it", c.view.messages, decimal(size)))
end

-- An interface value: the concrete type's name (empty: nil), the type
-- definitions it needs (they may end the message: Go's
-- Decoder.decodeTypeSequence, with isInterface set, then reads the next
-- message), its type id, a byte count, and the value as a top-level one.
local function walk_interface(c, depth, node, name, path, lead)
  local r = c.r
  local start = r.pos
  local concrete, name_at = get_string(r, "interface type name length")
  if concrete == "" then
    local item = add(c, node, f.nil_value, start, r.pos - start, nil, name .. " (interface): nil")
    decorate(c, item, path, lead)
    return "nil"
  end
  local item = add(c, node, f.interface, start, 1, nil, name .. " (interface)")
  decorate(c, item, path, lead)
  add(c, item, f.iface_name, start, r.pos - start, concrete, "Concrete type: " .. go_quote(concrete))
  local id
  while true do
    if r.pos == r.limit then continue_value(c, item) end
    local id_start = r.pos
    id = get_type_id(r, "interface type id")
    if id >= 0 then break end
    check_new_id(c, id_start, -id)
    add(c, item, f.defines, id_start, r.pos - id_start, -id,
      format("Type id: %s, an inline definition of type %s", decimal(id), decimal(-id)))
    read_definition(c, item, -id)
    if r.pos < r.limit then
      local chunk_start = r.pos
      local chunk = exact_uint(r, get_uint(r))
      add(c, item, f.chunk, chunk_start, r.pos - chunk_start, chunk,
        format("Length of what follows: %s (the decoder skips it)", tostring(chunk)))
    end
  end
  local id_end = r.pos
  add(c, item, f.iface_type, id_end - 1, 1, id,
    format("Concrete type id: %s (%s)", decimal(id), describe(c.view, id)))
  if id == 0 then fail(r, id_end - 1, "malformed", "an interface value of type id 0") end
  local length_start = r.pos
  local length = exact_uint(r, get_uint(r))
  add(c, item, f.iface_len, length_start, r.pos - length_start, length,
    format("Value length: %s bytes (Go's decoder reads the value without it)", tostring(length)))
  local wt = lookup(c.view, id)
  if not (wt and wt.kind == 2) then
    local marker_start = r.pos
    if get_uint(r) ~= 0 then
      fail(r, marker_start, "malformed", "a non-struct value must start with field number 0")
    end
  end
  local text = walk_value(c, id, depth, item, "value", path and (path .. ".(" .. concrete .. ")"))
  if item then
    item:set_text(format("%s (interface): %s %s", name, name_text(concrete), text))
    finish(c, item, start)
  end
  return name_text(concrete) .. " " .. text
end

-- One value of type `id`, shown under `node` (nil: not shown) as `name`
-- ("N", "[0]", "value"), with `path` ("v.C.M[\"01\"]"; nil inside map keys)
-- and `lead`, the field delta before a struct field. Returns a short text of
-- the value, and whether it is of a basic type.
walk_value = function(c, id, depth, node, name, path, lead)
  node = shown(c, node, depth)
  if id >= 1 and id <= 7 then return walk_basic(c, id, node, name, path, lead), true end
  local r = c.r
  local start = r.pos
  depth = depth + 1
  enter(c, depth, start)
  if id == 8 then return walk_interface(c, depth, node, name, path, lead), false end
  local wt = lookup(c.view, id)
  if wt == nil then
    fail(r, start, "malformed", format("a value of undefined type id %s", decimal(id)))
  end
  if wt.kind == 2 then
    local item = add(c, node, f.struct, start, 1, nil, format("%s (%s)", name, type_name(c.view, id)))
    decorate(c, item, path, lead)
    walk_struct(c, wt, depth, item, path)
    finish(c, item, start)
    return "{...}", false
  elseif wt.kind <= 3 then
    return walk_collection(c, wt, depth, node, name, path, lead), false
  end
  -- GobEncoder, BinaryMarshaler, TextMarshaler: the type's own bytes.
  local s, at = get_string(r, "encoded length")
  local text = wt.kind == 6 and go_quote(s) or hex_bytes(s)
  local item = add(c, node, f.encoded, #s > 0 and at or start, #s > 0 and #s or 1, nil,
    format("%s (%s, %s): %s", name, type_name(c.view, id), KIND_NAMES[wt.kind], text))
  decorate(c, item, path, lead)
  add(c, item, f.size, start, at - start, #s, format("Length: %d bytes", #s))
  return text, false
end

-- ------------------------------------------------------------- messages --

-- Framing: the length prefix at `offset`. Returns prefix bytes and size, or
-- nil and the bytes still missing, or false and an error text.
local function read_prefix(tvb, offset)
  local available = tvb:len() - offset
  if available < 1 then return nil, DESEGMENT_ONE_MORE_SEGMENT end
  local first = tvb:range(offset, 1):uint()
  if first < 128 then return 1, first end
  local n = 256 - first
  if n > 8 then
    return false, format("the length prefix is an unsigned integer of %d bytes (at most 8 fit in "
      .. "64 bits)", n)
  end
  if available < 1 + n then return nil, 1 + n - available end
  return 1 + n, tvb:range(offset + 1, n):uint64():tonumber()
end

local function report(c, item, err)
  if item == nil then return end
  local r = c.r
  local stop = math.max(err.stop or err.start + 1, err.start + 1)
  local range = range_of(c, err.start, stop - err.start)
  local expert_field = e[err.kind] or e.malformed
  local text = "gob: " .. err.text
  if range then item:add_tvb_expert_info(expert_field, range, text)
  else item:add_proto_expert_info(expert_field, text) end
end

-- Dissects the messages that make one decoding step: a type definition, or
-- a value together with any messages it goes on in.
local function parse(tvb, tree, offset, prefix, size, view, commit)
  local r = { tvb = tvb, base = offset, s = tvb:raw(offset, prefix + size), pos = prefix,
              limit = prefix + size }
  view.messages = view.messages + 1
  local c = { r = r, view = view, commit = commit, items = gob.prefs.shown_items }
  local number = view.messages
  local root = tree and tree:add(gob, tvb:range(offset, prefix + size))
  c.message_item = root
  add(c, root, f.length, 0, prefix, size, format("Length prefix: %s bytes", decimal(size)))
  local result = { value = false }
  local ok, err = pcall(function()
    local id_start = r.pos
    local id = get_type_id(r, "the message's type id")
    result.id = id
    if id < 0 then
      add(c, root, f.type_id, id_start, r.pos - id_start, id,
        format("Type id: %s (a definition of type %s)", decimal(id), decimal(-id)))
      add_generated(c, root, f.defines, -id, "Defines type: " .. decimal(-id))
      view.def_bytes = view.def_bytes + size
      if view.def_bytes > gob.prefs.max_message then
        fail(r, id_start, "limit", format("type definitions exceed %d bytes (--max-message)",
          gob.prefs.max_message))
      end
      check_new_id(c, id_start, -id)
      local wt = read_definition(c, root, -id)
      result.summary = format("type %s = %s", decimal(-id), summary_of(view, wt))
    else
      add(c, root, f.type_id, id_start, r.pos - id_start, id,
        format("Type id: %s (a value of %s)", decimal(id), describe(view, id)))
      result.value = true
      if id == 0 then fail(r, id_start, "malformed", "type id 0 names no type") end
      add_generated(c, root, f.value_of, id, "A value of type: " .. decimal(id))
      add_generated(c, root, f.type_name, type_name(view, id), "Type name: " .. type_name(view, id))
      result.summary = "value of " .. describe(view, id)
      local wt = lookup(view, id)
      if wt == nil and not BASIC[id] then
        fail(r, id_start, "malformed", format("a value of undefined type id %s", decimal(id)))
      end
      if not (wt and wt.kind == 2) then
        local marker_start = r.pos
        if get_uint(r) ~= 0 then
          fail(r, marker_start, "malformed", "a non-struct value must start with field number 0")
        end
      end
      walk_value(c, id, 0, root, "v", "v")
    end
    if r.pos ~= r.limit then
      local extra = r.limit - r.pos
      local at = r.pos
      r.pos = r.limit
      fail(r, at, "malformed", format("%d unexpected bytes at the end of the message", extra))
    end
  end)
  result.length = r.limit
  if not ok then
    if type(err) == "table" and err.need then return { need = err.need } end
    if type(err) ~= "table" then
      -- A bug of this file: shown as such, never as a Lua error.
      if root then root:add_proto_expert_info(e.internal, "Dissector bug: gob.lua: " .. tostring(err)) end
      err = { kind = "internal", text = "dissector bug: " .. tostring(err), start = r.pos }
    else
      report(c, root, err)
    end
    result.error = err.text
    result.summary = (result.summary or "message") .. " [" .. (err.kind or "malformed") .. "]"
  end
  if root then
    local last = view.messages
    local which = last > number and format("Messages %d-%d", number, last)
      or format("Message %d", number)
    root:set_text(format("Go gob, %s (%d bytes): %s", which, r.limit, result.summary or "?"))
  end
  result.view = view
  return result
end

-- Dissects one decoding step at `offset`: a message (or a value with the
-- messages it continues in). Returns
--   { need = N }   N more bytes are needed (or DESEGMENT_ONE_MORE_SEGMENT)
--   { length, view, value, summary, error, fatal }
-- `view` is not changed; the result's view is the state after the message.
-- `commit`: the first pass, so that new definitions are recorded for good.
-- `tree` may be a function that returns the tree to add to: it is called
-- only once the message is whole.
function M.dissect_message(tvb, pinfo, tree, offset, view, commit)
  local function resolved()
    if type(tree) == "function" then tree = tree() end
    return tree
  end
  local prefix, size = read_prefix(tvb, offset)
  if prefix == nil then return { need = size } end
  local problem
  if prefix == false then
    problem, prefix = size, 1
  elseif size == 0 then
    problem = "an empty message"
  elseif size > gob.prefs.max_message then
    problem = format("a message of %s bytes exceeds the limit of %d bytes (--max-message)",
      decimal(size), gob.prefs.max_message)
  end
  if problem then
    -- The framing is lost: nothing after this can be read as messages.
    if resolved() then
      local item = tree:add(gob, tvb:range(offset, prefix))
      item:set_text("Go gob, message refused: " .. problem)
      item:add_tvb_expert_info(size == 0 and e.malformed or e.limit, tvb:range(offset, prefix),
        "gob: " .. problem)
    end
    return { length = prefix, view = copy_view(view), value = false, error = problem, fatal = true,
             summary = "refused: " .. problem }
  end
  local available = tvb:len() - offset
  if available < prefix + size then return { need = prefix + size - available } end
  -- A value that may hold an interface can go on in the next messages: measure
  -- it first without a tree, so that nothing is shown before it is whole.
  local id_reader = { tvb = tvb, base = offset, s = tvb:raw(offset, math.min(prefix + size,
    prefix + 9)), pos = prefix, limit = prefix + size }
  local ok, id = pcall(get_int, id_reader)
  if ok and id > 0 and may_hold_interface(view, id) then
    local measured = parse(tvb, nil, offset, prefix, size, copy_view(view), false)
    if measured.need then return measured end
  end
  return parse(tvb, resolved(), offset, prefix, size, copy_view(view), commit)
end

-- ------------------------------------------------------ stream bookkeeping --

-- Where each dissection step starts, the state it starts from: kept on the
-- first pass, looked up on the later ones (Wireshark dissects a packet again
-- each time it is shown).
local tcp_stream = Field.new("tcp.stream")

-- A key for one direction of one TCP connection, or nil outside TCP.
function M.direction_key(pinfo)
  local stream = tcp_stream()
  if stream == nil then return nil end
  return tostring(stream.value) .. ">" .. tostring(pinfo.src) .. ":" .. tostring(pinfo.src_port)
end

function M.tcp_stream_index(pinfo)
  local stream = tcp_stream()
  return stream and stream.value
end

-- A standalone gob stream (Decode As, or text2pcap -P gob): the messages of
-- one direction are one stream whose definitions last for its whole life.
local standalone = { current = {}, at = {} }

function gob.init()
  standalone = { current = {}, at = {} }
end

function gob.dissector(tvb, pinfo, tree)
  pinfo.cols.protocol = "GOB"
  -- Outside TCP every packet is a stream of its own.
  local key = M.direction_key(pinfo) or ("packet " .. pinfo.number)
  local offset = 0
  local summaries = {}
  while offset < tvb:len() do
    local where = pinfo.number .. ":" .. offset
    local view = standalone.at[where]
    local commit = false
    if view == nil then
      view = standalone.current[key] or M.new_view(M.new_stream())
      standalone.at[where] = view
      commit = not pinfo.visited
    end
    if view.dead then
      local item = tree:add(gob, tvb:range(offset))
      item:set_text(format("Go gob: %d bytes after a framing error, not dissected",
        tvb:len() - offset))
      break
    end
    local result = M.dissect_message(tvb, pinfo, tree, offset, view, commit)
    if result.need then
      if pinfo.can_desegment > 0 then
        pinfo.desegment_offset = offset
        pinfo.desegment_len = result.need
        break
      end
      local item = tree:add(gob, tvb:range(offset))
      item:set_text("Go gob: a message cut short")
      item:add_tvb_expert_info(e.truncated, tvb:range(offset),
        "gob: the message is cut short: the capture holds only part of it")
      summaries[#summaries + 1] = "cut short"
      break
    end
    summaries[#summaries + 1] = result.summary
    offset = offset + result.length
    if result.fatal then result.view.dead = true end
    if commit then standalone.current[key] = result.view end
    if standalone.at[pinfo.number .. ":" .. offset] == nil and not commit then
      -- A later pass over a step the first pass did not reach in this
      -- packet: go on from here.
      standalone.at[pinfo.number .. ":" .. offset] = result.view
    end
  end
  if #summaries > 0 then
    pinfo.cols.info = table.concat(summaries, "; ", 1, math.min(#summaries, 8))
      .. (#summaries > 8 and "; ..." or "")
  end
  return tvb:len()
end

DissectorTable.get("tcp.port"):add_for_decode_as(gob)
