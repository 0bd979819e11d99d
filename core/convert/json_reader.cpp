#include "core/convert/json_reader.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <utility>

namespace sluice::convert::json {

namespace {

// Jackson's default StreamReadConstraints.
constexpr std::uint32_t kMaxDepth = 1000;
constexpr std::size_t kMaxNumberLength = 1000;

constexpr std::size_t kChunkNodes = 256;
// Memory kept between documents: a reader that once parsed a huge document gives most of it back.
constexpr std::size_t kKeptChunks = 64;
constexpr std::size_t kKeptScratch = std::size_t{1} << 20;
// Objects with more members than this find repeated keys through a hash index instead of a linear scan.
constexpr std::uint32_t kLinearMembers = 16;

constexpr const char* kValueList = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

// Bytes that a string may contain as they are: printable ASCII other than '"' and '\\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Java's Character.isJavaIdentifierPart, for the ASCII range.
bool is_identifier_part(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '$';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Jackson's _getCharDesc for a byte read where a token should start (bytes above 0x7F as Latin-1 code
// points).
std::string char_desc(unsigned char c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return "(CTRL-CHAR, code " + std::to_string(c) + ")";
  std::string out = "'";
  append_utf8(out, c);
  out += "' (code " + std::to_string(c) + ")";
  return out;
}

std::string hex_byte(unsigned char c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%x", static_cast<unsigned>(c));
  return buffer;
}

}  // namespace

// ---- Node ------------------------------------------------------------------------------------------------

const Node* Node::get(std::string_view name) const {
  if (kind != Kind::Object) return nullptr;
  for (const Node* member = first; member != nullptr; member = member->next) {
    if (member->key == name) return member;
  }
  return nullptr;
}

const char* Node::type_name() const {
  switch (kind) {
    case Kind::Null: return "NULL";
    case Kind::Boolean: return "BOOLEAN";
    case Kind::Integer:
    case Kind::BigInteger:
    case Kind::Float: return "NUMBER";
    case Kind::String: return "STRING";
    case Kind::Array: return "ARRAY";
    case Kind::Object: return "OBJECT";
  }
  return "UNKNOWN";
}

std::string Node::number_text() const {
  return kind == Kind::Integer ? std::to_string(integer) : std::string(text);
}

// ---- Parser ----------------------------------------------------------------------------------------------

// Recursive descent over one document; the recursion is bounded by the nesting limit.
class Reader::Parser {
 public:
  Parser(Reader& reader, std::string_view text)
      : reader_(reader), begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  const Node* document() {
    skip_space();
    if (p_ == end_) return nullptr;
    const Node* root = value(0, false);
    // A root number must be followed by whitespace; anything after a complete root value is ignored.
    if (root->is_number() && p_ < end_ && !is_space(*p_)) {
      unexpected_char(p_, "Expected space separating root-level values");
    }
    return root;
  }

 private:
  void skip_space() {
    while (p_ < end_ && is_space(*p_)) ++p_;
  }

  // `*p_` starts a value (p_ < end_).
  Node* value(std::uint32_t depth, bool in_array) {
    const char* start = p_;
    Node* node = reader_.allocate();
    switch (*p_) {
      case '{': object(*node, depth + 1); break;
      case '[': array(*node, depth + 1); break;
      case '"':
        ++p_;
        node->kind = Node::Kind::String;
        node->text = string(false);
        break;
      case '-':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9': number(*node); break;
      case 't':
        literal("true");
        node->kind = Node::Kind::Boolean;
        node->boolean = true;
        break;
      case 'f':
        literal("false");
        node->kind = Node::Kind::Boolean;
        break;
      case 'n': literal("null"); break;
      default: unexpected_value(in_array);
    }
    node->source = std::string_view(start, static_cast<std::size_t>(p_ - start));
    return node;
  }

  void object(Node& node, std::uint32_t depth) {
    check_depth(depth);
    const char* open = p_++;
    node.kind = Node::Kind::Object;
    skip_space();
    if (p_ == end_) eof_in_container(open, "OBJECT");
    if (*p_ == '}') {
      ++p_;
      return;
    }
    Node* last = nullptr;
    std::unique_ptr<std::unordered_map<std::string_view, Node*>> index;  // only for large objects
    while (true) {
      if (*p_ != '"') unexpected_char(p_, "was expecting double-quote to start field name");
      ++p_;
      const std::string_view key = string(true);
      skip_space();
      if (p_ == end_) eof_in_container(open, "OBJECT");
      if (*p_ != ':') unexpected_char(p_, "was expecting a colon to separate field name and value");
      ++p_;
      skip_space();
      if (p_ == end_) eof_in_container(open, "OBJECT");
      Node* member = value(depth, false);
      member->key = key;
      if (Node* earlier = find_member(node, index.get(), key)) {
        // Jackson's ObjectNode.set: the later value takes the earlier one's place.
        const Node* next = earlier->next;
        *earlier = *member;
        earlier->next = next;
      } else {
        if (last != nullptr) {
          last->next = member;
        } else {
          node.first = member;
        }
        last = member;
        ++node.size;
        if (index) {
          index->emplace(key, member);
        } else if (node.size > kLinearMembers) {
          index = std::make_unique<std::unordered_map<std::string_view, Node*>>();
          for (const Node* m = node.first; m != nullptr; m = m->next)
            index->emplace(m->key, const_cast<Node*>(m));
        }
      }
      skip_space();
      if (p_ == end_) eof_in_container(open, "OBJECT");
      if (*p_ == ',') {
        ++p_;
        skip_space();
        if (p_ == end_) eof_in_container(open, "OBJECT");
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        return;
      }
      unexpected_char(p_, "was expecting comma to separate Object entries");
    }
  }

  static Node* find_member(const Node& object, std::unordered_map<std::string_view, Node*>* index,
                           std::string_view key) {
    if (index) {
      auto found = index->find(key);
      return found == index->end() ? nullptr : found->second;
    }
    for (const Node* m = object.first; m != nullptr; m = m->next) {
      if (m->key == key) return const_cast<Node*>(m);  // the reader's own node, still being built
    }
    return nullptr;
  }

  void array(Node& node, std::uint32_t depth) {
    check_depth(depth);
    const char* open = p_++;
    node.kind = Node::Kind::Array;
    skip_space();
    if (p_ == end_) eof_in_container(open, "ARRAY");
    if (*p_ == ']') {
      ++p_;
      return;
    }
    Node* last = nullptr;
    while (true) {
      Node* item = value(depth, true);
      if (last != nullptr) {
        last->next = item;
      } else {
        node.first = item;
      }
      last = item;
      ++node.size;
      skip_space();
      if (p_ == end_) eof_in_container(open, "ARRAY");
      if (*p_ == ',') {
        ++p_;
        skip_space();
        if (p_ == end_) eof_in_container(open, "ARRAY");
        continue;
      }
      if (*p_ == ']') {
        ++p_;
        return;
      }
      unexpected_char(p_, "was expecting comma to separate Array entries");
    }
  }

  // After the opening quote; leaves p_ after the closing quote. Strings without escapes are views into the
  // input, the others are unescaped into the reader's scratch buffer.
  std::string_view string(bool name) {
    const char* start = p_;
    while (true) {
      while (p_ < end_ && kPlain[static_cast<unsigned char>(*p_)]) ++p_;
      if (p_ == end_) eof_in_string(name);
      const char c = *p_;
      if (c == '"') {
        const std::string_view text(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return text;
      }
      if (c == '\\') break;
      if (static_cast<unsigned char>(c) < 0x20) unquoted_control(name);
      p_ += utf8_sequence(name);
    }
    // Unescaped text is never longer than its escaped form, so a buffer reserved for the whole input before
    // its first string never reallocates and earlier views into it stay valid.
    std::string& scratch = reader_.scratch_;
    const auto input_size = static_cast<std::size_t>(end_ - begin_);
    if (scratch.empty() && scratch.capacity() < input_size) scratch.reserve(input_size);
    const std::size_t offset = scratch.size();
    scratch.append(start, static_cast<std::size_t>(p_ - start));
    while (true) {
      if (p_ == end_) eof_in_string(name);
      const char c = *p_;
      if (c == '"') {
        ++p_;
        return std::string_view(scratch.data() + offset, scratch.size() - offset);
      }
      if (c == '\\') {
        ++p_;
        escape(scratch);
      } else if (static_cast<unsigned char>(c) < 0x20) {
        unquoted_control(name);
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        const std::size_t length = utf8_sequence(name);
        scratch.append(p_, length);
        p_ += length;
      } else {
        const char* run = p_;
        while (p_ < end_ && kPlain[static_cast<unsigned char>(*p_)]) ++p_;
        scratch.append(run, static_cast<std::size_t>(p_ - run));
      }
    }
  }

  // After the backslash.
  void escape(std::string& out) {
    if (p_ == end_) eof("Unexpected end-of-input in character escape sequence");
    const char c = *p_++;
    switch (c) {
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case '/': out += '/'; return;
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;
      case 'u': break;
      default:
        fail_at_char(p_ - 1, "Unrecognized character escape " + char_desc(static_cast<unsigned char>(c)));
    }
    std::uint32_t cp = hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail(p_, "Invalid surrogate in character escape sequence: \\u" + hex4_text(cp) +
                   " is not preceded by a high surrogate");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // Strings are UTF-8, so a surrogate must come with its pair (Java strings could hold it alone).
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') {
        fail(p_, "Invalid surrogate in character escape sequence: \\u" + hex4_text(cp) +
                     " is not followed by a low surrogate");
      }
      p_ += 2;
      const std::uint32_t low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) {
        fail(p_, "Invalid surrogate in character escape sequence: \\u" + hex4_text(cp) +
                     " is not followed by a low surrogate");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
  }

  std::uint32_t hex4() {
    std::uint32_t cp = 0;
    for (int i = 0; i < 4; ++i) {
      if (p_ == end_) eof("Unexpected end-of-input in character escape sequence");
      const int digit = hex_value(*p_);
      if (digit < 0) unexpected_char(p_, "expected a hex-digit for character escape sequence");
      cp = cp * 16 + static_cast<std::uint32_t>(digit);
      ++p_;
    }
    return cp;
  }

  static std::string hex4_text(std::uint32_t cp) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%04X", static_cast<unsigned>(cp));
    return buffer;
  }

  // The length of the well-formed UTF-8 sequence at p_ (a byte >= 0x80), per RFC 3629: no overlong forms,
  // no surrogates, nothing above U+10FFFF.
  std::size_t utf8_sequence(bool name) {
    const auto lead = static_cast<unsigned char>(*p_);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      fail_at_char(p_, "Invalid UTF-8 start byte " + hex_byte(lead));
    }
    for (std::size_t i = 1; i < length; ++i) {
      if (p_ + i >= end_) eof_in_string(name);
      const auto c = static_cast<unsigned char>(p_[i]);
      if (c < low || c > high) fail_at_char(p_ + i, "Invalid UTF-8 middle byte " + hex_byte(c));
      low = 0x80;
      high = 0xBF;
    }
    return length;
  }

  void number(Node& node) {
    const char* start = p_;
    if (*p_ == '-') {
      ++p_;
      if (p_ == end_) eof("Unexpected end-of-input in a Number value");
      if (!is_digit(*p_)) {
        unexpected_number_char(p_, "expected digit (0-9) to follow minus sign, for valid numeric value");
      }
    }
    const char* digits = p_;
    if (*p_ == '0') {
      ++p_;
      if (p_ < end_ && is_digit(*p_)) fail_at_char(p_, "Invalid numeric value: Leading zeroes not allowed");
    } else {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    const auto integer_digits = static_cast<std::size_t>(p_ - digits);
    bool floating = false;
    if (p_ < end_ && *p_ == '.') {
      floating = true;
      ++p_;
      if (p_ == end_) eof("Unexpected end-of-input in a Number value");
      if (!is_digit(*p_)) unexpected_number_char(p_, "Decimal point not followed by a digit");
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      floating = true;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_) eof("Unexpected end-of-input in a Number value");
      if (!is_digit(*p_)) unexpected_number_char(p_, "Exponent indicator not followed by a digit");
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    const std::string_view literal(start, static_cast<std::size_t>(p_ - start));
    const std::size_t length = floating ? literal.size() : integer_digits;
    if (length > kMaxNumberLength) {
      throw ParseError("Number value length (" + std::to_string(length) + ") exceeds the maximum allowed (" +
                       std::to_string(kMaxNumberLength) +
                       ", from `StreamReadConstraints.getMaxNumberLength()`)");
    }
    node.text = literal;
    if (floating) {
      node.kind = Node::Kind::Float;
      return;
    }
    // 19 digits always fit in an unsigned 64-bit accumulator; INT64_MIN needs one more than INT64_MAX.
    const bool negative = *start == '-';
    if (integer_digits <= 19) {
      std::uint64_t magnitude = 0;
      for (const char* d = digits; d < p_; ++d)
        magnitude = magnitude * 10 + static_cast<std::uint64_t>(*d - '0');
      const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
      if (magnitude <= limit) {
        node.kind = Node::Kind::Integer;
        node.integer =
            negative ? static_cast<std::int64_t>(~magnitude + 1) : static_cast<std::int64_t>(magnitude);
        return;
      }
    }
    node.kind = Node::Kind::BigInteger;
  }

  // true, false or null, which must not run on into identifier characters ("truex").
  void literal(std::string_view word) {
    const char* start = p_;
    for (char expected : word) {
      if (p_ == end_ || *p_ != expected) invalid_token(start);
      ++p_;
    }
    if (p_ < end_ && is_identifier_part(*p_)) invalid_token(start);
  }

  [[noreturn]] void unexpected_value(bool in_array) {
    const char c = *p_;
    if (c == ',' || c == '}' || (c == ']' && in_array)) unexpected_char(p_, "expected a value");
    if (is_identifier_part(c) && !is_digit(c)) invalid_token(p_);
    unexpected_char(p_, std::string("expected a valid value ") + kValueList);
  }

  void check_depth(std::uint32_t depth) const {
    if (depth > kMaxDepth) {
      throw ParseError("Document nesting depth (" + std::to_string(depth) +
                       ") exceeds the maximum allowed (" + std::to_string(kMaxDepth) +
                       ", from `StreamReadConstraints.getMaxNestingDepth()`)");
    }
  }

  // ---- errors --------------------------------------------------------------------------------------------

  // Jackson's _reportInvalidToken: the token as far as it looks like one.
  [[noreturn]] void invalid_token(const char* start) {
    const char* stop = start;
    while (stop < end_ && is_identifier_part(*stop) && stop - start < 256) ++stop;
    if (stop == start) ++stop;
    fail(stop, "Unrecognized token '" + std::string(start, stop) + "': was expecting " + kValueList);
  }

  [[noreturn]] void unexpected_char(const char* at, const std::string& comment) {
    fail_at_char(at, "Unexpected character (" + char_desc(static_cast<unsigned char>(*at)) + "): " + comment);
  }

  [[noreturn]] void unexpected_number_char(const char* at, const std::string& comment) {
    fail_at_char(at, "Unexpected character (" + char_desc(static_cast<unsigned char>(*at)) +
                         ") in numeric value: " + comment);
  }

  [[noreturn]] void unquoted_control(bool name) {
    fail_at_char(p_, "Illegal unquoted character (" + char_desc(static_cast<unsigned char>(*p_)) +
                         "): has to be escaped using backslash to be included in " +
                         (name ? "name" : "string value"));
  }

  [[noreturn]] void eof_in_container(const char* open, const char* what) {
    eof(std::string("Unexpected end-of-input: expected close marker for ") + what + " (start marker at " +
        location(open, false) + ")");
  }

  [[noreturn]] void eof_in_string(bool name) {
    eof(name ? "Unexpected end-of-input: was expecting closing '\"' for name"
             : "Unexpected end-of-input: was expecting closing quote for a string value");
  }

  [[noreturn]] void eof(const std::string& message) { fail(end_, message); }

  // Fails at the position `at` (no character at fault: end of input, end of a token).
  [[noreturn]] void fail(const char* at, const std::string& message) {
    throw ParseError(message + " at " + location(at, false));
  }

  // Fails on the character at `at`; Jackson reports the position after it, having consumed it.
  [[noreturn]] void fail_at_char(const char* at, const std::string& message) {
    throw ParseError(message + " at " + location(at, true));
  }

  // Jackson's JsonLocation text (without the source content): the 1-based line and column of `at`, or of
  // the position after it when `past` (a line break at `at` itself does not count).
  std::string location(const char* at, bool past) const {
    std::size_t line = 1;
    const char* line_start = begin_;
    for (const char* c = begin_; c < at; ++c) {
      if (*c == '\n' || (*c == '\r' && (c + 1 == end_ || c[1] != '\n'))) {
        ++line;
        line_start = c + 1;
      }
    }
    return "[Source: (byte[]); line: " + std::to_string(line) +
           ", column: " + std::to_string(at - line_start + (past ? 2 : 1)) + "]";
  }

  Reader& reader_;
  const char* begin_;
  const char* p_;
  const char* end_;
};

// ---- Reader ----------------------------------------------------------------------------------------------

Reader::Reader() = default;
Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;
Reader::~Reader() = default;

Node* Reader::allocate() {
  if (used_ == kChunkNodes) {
    ++chunk_;
    used_ = 0;
  }
  if (chunk_ == chunks_.size()) chunks_.push_back(std::make_unique<Node[]>(kChunkNodes));
  Node* node = &chunks_[chunk_][used_++];
  *node = Node{};
  return node;
}

const Node* Reader::parse(std::string_view text) {
  if (chunks_.size() > kKeptChunks) chunks_.resize(kKeptChunks);
  if (scratch_.capacity() > kKeptScratch) std::string().swap(scratch_);
  chunk_ = 0;
  used_ = 0;
  scratch_.clear();
  Parser parser(*this, text);
  return parser.document();
}

}  // namespace sluice::convert::json
