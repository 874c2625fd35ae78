-- tutorial.lua: a Wireshark dissector for the protocol of the Applied Go
-- tutorial "TCP/IP Networking" (https://appliedgo.net/networking/), as
-- ./server and ./client speak it (docs/protocol.md).
--
--   tshark -X lua_script:tools/wireshark/tutorial.lua -r CAPTURE -V
--   make wireshark-plugin      (copies both files to Wireshark's plugin folder)
--
-- On TCP port 61000, on any port with Decode As ("tutorial"), and on any
-- connection whose client begins with STRING or GOB. Each step of the
-- protocol is one item, however TCP cut the bytes:
--
--   client -> server   a command line ("STRING", "GOB"; spaces, tabs, \r
--                      and \n trimmed from both ends, as the server does)
--                      STRING: one data line
--                      GOB: gob messages, dissected by gob.lua, until the
--                      value: the server's fresh decoder reads no further
--   server -> client   reply lines: "Thank you.", "ERR <reason>"
--
-- Lines longer than --max-line (65536 bytes) are refused as the server
-- refuses them. After anything the server answers with ERR, it closes: the
-- client's bytes after that are shown as not read.

-- Loaded once: from the plugin folder and by -X lua_script at the same time
-- would register the protocol twice. (Wireshark gives each plugin file
-- globals of its own; _G is the table they share.)
if _G.tutorial_dissector_loaded then return end
_G.tutorial_dissector_loaded = true

local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or ""
if _G.gob_dissector == nil then dofile(here .. "gob.lua") end
local gobd = _G.gob_dissector

local format = string.format

local tutorial = Proto("tutorial", "TCP/IP Networking tutorial protocol")

tutorial.prefs.max_line = Pref.uint("Longest line (bytes)", 65536,
  "A longer line is refused, as ./server --max-line refuses it")

local f = {
  command   = ProtoField.string("tutorial.command", "Command"),
  string    = ProtoField.string("tutorial.string", "STRING data"),
  reply     = ProtoField.string("tutorial.reply", "Reply"),
  error     = ProtoField.string("tutorial.error", "ERR reason"),
  line      = ProtoField.string("tutorial.line", "Line"),
  gob       = ProtoField.none("tutorial.gob", "GOB data"),
  unread    = ProtoField.bytes("tutorial.unread", "Bytes the server does not read"),
  direction = ProtoField.string("tutorial.direction", "Direction"),
  ending    = ProtoField.string("tutorial.line_end", "Line ending"),
}
tutorial.fields = { f.command, f.string, f.reply, f.error, f.line, f.gob, f.unread, f.direction,
                    f.ending }

local e = {
  refused   = ProtoExpert.new("tutorial.err", "The server refused", expert.group.RESPONSE_CODE,
    expert.severity.WARN),
  long_line = ProtoExpert.new("tutorial.long_line", "Line too long", expert.group.MALFORMED,
    expert.severity.ERROR),
  unknown   = ProtoExpert.new("tutorial.unknown_command", "Not a command of the tutorial",
    expert.group.SEQUENCE, expert.severity.NOTE),
  cut       = ProtoExpert.new("tutorial.cut_short", "Cut short", expert.group.MALFORMED,
    expert.severity.ERROR),
}
tutorial.experts = { e.refused, e.long_line, e.unknown, e.cut }

-- ---------------------------------------------------------------- state --

-- Each direction of a connection is read as a sequence of steps (a line,
-- a gob message); `at` keeps the state each step starts in, found again on
-- later passes, and `current` the state after the last complete step of the
-- first pass. `server_port` says which side is the server.
local states = { at = {}, current = {}, server_port = {}, claimed = {} }

function tutorial.init()
  states = { at = {}, current = {}, server_port = {}, claimed = {} }
end

-- ---------------------------------------------------------------- lines --

-- The line at `offset`: returns its length with the newline, or nil and how
-- many bytes are missing, or false when no newline comes within max_line.
local function find_line(tvb, offset)
  local max = tutorial.prefs.max_line
  local available = tvb:len() - offset
  local window = math.min(available, max + 1)
  local newline = tvb:raw(offset, window):find("\n", 1, true)
  if newline then return newline end
  if available > max then return false end
  return nil, DESEGMENT_ONE_MORE_SEGMENT
end

local function trim(text)
  return (text:gsub("^[ \t\r\n]+", ""):gsub("[ \t\r\n]+$", ""))
end

-- A line's text for a label: as it is when printable, else (and when
-- empty) Go-quoted.
local function shown_text(text)
  if text:find("^[\32-\126]+$") then return text end
  return gobd.go_quote(text, 200)
end

local function add_line_item(node, field, tvb, offset, length, label, value)
  local text_length = length - 1
  local raw = tvb:raw(offset, text_length)
  if raw:sub(-1) == "\r" then text_length = text_length - 1 end
  local item
  if text_length > 0 then
    item = node:add(field, tvb:range(offset, text_length), value)
  else
    item = node:add(field, tvb:range(offset, length), value)
  end
  item:set_text(label)
  local ending = tvb:range(offset + text_length, length - text_length)
  node:add(f.ending, ending, length - text_length == 2 and "\\r\\n" or "\\n")
    :set_text(length - text_length == 2 and "Line ending: \\r\\n" or "Line ending: \\n")
  return item
end

-- ---------------------------------------------------------------- steps --

-- One step of the client's side, as its own tutorial item. Returns the
-- step's length and the state after it, or nil and the bytes missing;
-- `info` collects the Info column.
local function client_step(tvb, pinfo, tree, offset, state, commit, info)
  if state.mode == "closed" then
    local length = tvb:len() - offset
    local item = tree:add(tutorial, tvb:range(offset, length))
    item:set_text(format("Tutorial, client -> server: %d bytes the server does not read", length))
    item:add(f.unread, tvb:range(offset, length)):set_text(format("Not read: %d bytes (the server "
      .. "has answered ERR and closes the connection)", length))
    info[#info + 1] = "(not read)"
    return length, state
  end
  if state.mode == "gob" then
    local item
    local result = gobd.dissect_message(tvb, pinfo, function()
      item = tree:add(tutorial, tvb:range(offset, 1))
      return item
    end, offset, state.view, commit)
    if result.need then return nil, result.need end
    item:set_len(result.length)
    item:set_text(format("Tutorial, client -> server: GOB data, %s", result.summary))
    info[#info + 1] = "gob: " .. result.summary
    if result.error then
      item:add_proto_expert_info(e.refused, "the server answers ERR gob: " .. result.error
        .. " and closes the connection")
      return result.length, { mode = "closed" }
    end
    if result.value then
      return result.length, { mode = "command" }
    end
    return result.length, { mode = "gob", view = result.view }
  end
  local length, missing = find_line(tvb, offset)
  if length == nil then return nil, missing end
  if length == false then
    local size = tvb:len() - offset
    local item = tree:add(tutorial, tvb:range(offset, size))
    item:set_text(format("Tutorial, client -> server: a line longer than %d bytes",
      tutorial.prefs.max_line))
    item:add_tvb_expert_info(e.long_line, tvb:range(offset, size), format("no newline within %d "
      .. "bytes: the server answers ERR line longer than %d bytes and closes",
      tutorial.prefs.max_line, tutorial.prefs.max_line))
    info[#info + 1] = "(line too long)"
    return size, { mode = "closed" }
  end
  local text = trim(tvb:raw(offset, length))
  local item = tree:add(tutorial, tvb:range(offset, length))
  if state.mode == "string" then
    item:set_text("Tutorial, client -> server: STRING data: " .. shown_text(text))
    add_line_item(item, f.string, tvb, offset, length, "STRING data: " .. shown_text(text), text)
    info[#info + 1] = shown_text(text)
    return length, { mode = "command" }
  end
  if state.mode == "lines" then
    item:set_text("Tutorial, client -> server: line " .. shown_text(text))
    add_line_item(item, f.line, tvb, offset, length, "Line: " .. shown_text(text), text)
    info[#info + 1] = shown_text(text)
    return length, state
  end
  item:set_text("Tutorial, client -> server: command " .. shown_text(text))
  add_line_item(item, f.command, tvb, offset, length, "Command: " .. shown_text(text), text)
  info[#info + 1] = shown_text(text)
  if text == "STRING" then return length, { mode = "string" } end
  if text == "GOB" then
    -- A fresh decoder for every GOB command, as the server makes one.
    return length, { mode = "gob", view = gobd.new_view(gobd.new_stream()) }
  end
  item:add_proto_expert_info(e.unknown, "not STRING or GOB: the tutorial's server answers "
    .. "ERR unknown command and closes; the lines that follow are shown as they are")
  return length, { mode = "lines" }
end

local function server_step(tvb, pinfo, tree, offset, state, info)
  local length, missing = find_line(tvb, offset)
  if length == nil then return nil, missing end
  if length == false then
    local size = tvb:len() - offset
    local item = tree:add(tutorial, tvb:range(offset, size))
    item:set_text("Tutorial, server -> client: a reply line too long")
    item:add_tvb_expert_info(e.long_line, tvb:range(offset, size), "no newline within the "
      .. "longest line")
    return size, state
  end
  local text = tvb:raw(offset, length):gsub("\r?\n$", "")
  local item = tree:add(tutorial, tvb:range(offset, length))
  if text:sub(1, 4) == "ERR " then
    local reason = text:sub(5)
    item:set_text("Tutorial, server -> client: ERR " .. shown_text(reason))
    add_line_item(item, f.error, tvb, offset, length, "ERR reason: " .. shown_text(reason), reason)
    item:add_proto_expert_info(e.refused, "the server refused: " .. shown_text(reason)
      .. "; it closes the connection")
    info[#info + 1] = "ERR " .. shown_text(reason)
  else
    item:set_text("Tutorial, server -> client: reply " .. shown_text(text))
    add_line_item(item, f.reply, tvb, offset, length, "Reply: " .. shown_text(text), text)
    info[#info + 1] = shown_text(text)
  end
  return length, state
end

-- ----------------------------------------------------------- dissector --

local function dissect(tvb, pinfo, tree)
  local stream = gobd.tcp_stream_index(pinfo)
  if stream == nil then return 0 end
  local server_port = states.server_port[stream]
  if server_port == nil then
    local matched = pinfo.match_uint
    if matched == pinfo.src_port or matched == pinfo.dst_port then server_port = matched
    else server_port = pinfo.dst_port end
    states.server_port[stream] = server_port
  end
  local to_server = pinfo.dst_port == server_port
  pinfo.cols.protocol = "Tutorial"
  local key = gobd.direction_key(pinfo)
  local info = {}
  local offset = 0
  while offset < tvb:len() do
    local where = pinfo.number .. ":" .. offset
    local state = states.at[where]
    local commit = false
    if state == nil then
      state = states.current[key] or { mode = to_server and "command" or "reply" }
      states.at[where] = state
      commit = not pinfo.visited
    end
    local length, after
    if to_server then
      length, after = client_step(tvb, pinfo, tree, offset, state, commit, info)
    else
      length, after = server_step(tvb, pinfo, tree, offset, state, info)
    end
    if length == nil then
      if pinfo.can_desegment > 0 then
        pinfo.desegment_offset = offset
        pinfo.desegment_len = after
      else
        local item = tree:add(tutorial, tvb:range(offset))
        item:set_text("Tutorial: a step cut short")
        item:add_tvb_expert_info(e.cut, tvb:range(offset), "the capture holds only part of this step")
      end
      break
    end
    offset = offset + length
    if commit then states.current[key] = after end
    local following = pinfo.number .. ":" .. offset
    if not commit and states.at[following] == nil then states.at[following] = after end
  end
  if #info > 0 then
    pinfo.cols.info = (to_server and "-> " or "<- ") .. table.concat(info, ", ", 1,
      math.min(#info, 8)) .. (#info > 8 and ", ..." or "")
  end
  return tvb:len()
end

-- Any port: a connection whose client begins with one of the tutorial's
-- commands is taken as the tutorial's, and so is everything else on it.
local function heuristic(tvb, pinfo, tree)
  local stream = gobd.tcp_stream_index(pinfo)
  if stream == nil then return false end
  if not states.claimed[stream] then
    if tvb:len() < 4 then return false end
    local start = tvb:raw(0, math.min(tvb:len(), 8))
    if not (start:find("^STRING\r?\n") or start:find("^GOB\r?\n")) then return false end
    states.claimed[stream] = true
    states.server_port[stream] = states.server_port[stream] or pinfo.dst_port
  end
  -- The function itself, not tutorial.dissector: that is a dissector handle,
  -- and calling through a handle takes away the right to ask TCP for more
  -- bytes (pinfo.can_desegment), which only the first dissector above TCP has.
  dissect(tvb, pinfo, tree)
  return true
end

tutorial.dissector = dissect

DissectorTable.get("tcp.port"):add(61000, tutorial)
tutorial:register_heuristic("tcp", heuristic)
