#include "harness/common/json_text.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

namespace tb {
namespace {

using Json = nlohmann::json;

// A char iterator that tells how far the parser has read, so that SAX events (which
// carry no position) can be placed in the text.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* p, const char* begin, size_t* read)
      : p_(p), begin_(begin), read_(read) {}
  reference operator*() const { return *p_; }
  CountingIterator& operator++() {
    ++p_;
    *read_ = size_t(p_ - begin_);
    return *this;
  }
  bool operator==(const CountingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const CountingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_;
  const char* begin_;
  size_t* read_;
};

struct Failure {
  size_t byte;  // where in the text
  std::string path;
  std::string what;
  bool syntax;
};

// Where a byte offset falls in `text`: "line L, column C" (both from 1).
std::string place(const std::string& text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// "[json.exception.parse_error.101] parse error at line 3, column 3: syntax error ..."
// -> "syntax error ...": the label, line and column are said once, by parse_json_text.
std::string without_prefix(const std::string& message) {
  const size_t syntax = message.find("syntax error");
  if (syntax != std::string::npos) return message.substr(syntax);
  const size_t bracket = message.find("] ");
  return bracket == std::string::npos ? message : message.substr(bracket + 2);
}

// Builds the document as nlohmann's DOM parser does (a SAX handler), keeping the JSON
// path of the value being read and where each key of the open objects was first given.
class StrictBuilder {
 public:
  StrictBuilder(const std::string& text, const size_t& read) : text_(text), read_(read) {}

  bool null() { return add(nullptr); }
  bool boolean(bool v) { return add(v); }
  bool number_integer(Json::number_integer_t v) { return add(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return add(v); }
  bool number_float(Json::number_float_t v, const std::string&) { return add(v); }
  bool string(std::string& v) { return add(std::move(v)); }
  bool binary(Json::binary_t& v) { return add(Json::binary(std::move(v))); }
  bool start_object(size_t) { return open(Json::object()); }
  bool start_array(size_t) { return open(Json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(std::string& k) {
    Frame& f = frames_.back();
    f.key = k;
    const auto [first, fresh] = f.first_seen.emplace(k, key_start());
    if (fresh) return true;
    failure_ = Failure{key_start(), next_path(),
                       "duplicate key (first given at " + place(text_, first->second) +
                           "); give each key once: JSON would silently keep only the last value",
                       false};
    return false;
  }

  bool parse_error(size_t byte, const std::string& token, const Json::exception& e) {
    constexpr int kNumberOverflow = 406;  // nlohmann::json's out_of_range.406
    if (e.id == kNumberOverflow) {
      failure_ = Failure{
          byte - std::min(byte, token.size()), next_path(),  // where the number starts
          "the number " + token +
              " is out of range; expected a finite number (at most about 1.8e308 in magnitude)",
          false};
    } else {  // `byte` counts the offending character: point at it
      failure_ = Failure{byte > 0 ? byte - 1 : 0, "", without_prefix(e.what()), true};
    }
    return false;
  }

  Json& result() { return root_; }
  const std::optional<Failure>& failure() const { return failure_; }

 private:
  struct Frame {
    Json value;  // the object or array being filled
    std::string path;
    std::string key;                           // objects: the key being read
    std::map<std::string, size_t> first_seen;  // objects: key -> where it starts in the text
  };

  // Where the key just read starts: the parser reports a key right after its closing
  // quote; the opening quote is the last unescaped one before it.
  size_t key_start() const {
    size_t at = read_ >= 2 ? read_ - 2 : 0;
    auto escaped = [&](size_t i) {
      size_t backslashes = 0;
      while (i > backslashes && text_[i - 1 - backslashes] == '\\') ++backslashes;
      return backslashes % 2 == 1;
    };
    while (at > 0 && (text_[at] != '"' || escaped(at))) --at;
    return at;
  }

  // The path of the value about to be read: "methods[1].rank".
  std::string next_path() const {
    if (frames_.empty()) return "";
    const Frame& f = frames_.back();
    if (f.value.is_array()) return f.path + "[" + std::to_string(f.value.size()) + "]";
    const std::string shown = f.key.empty() ? "\"\"" : f.key;
    return f.path.empty() ? shown : f.path + "." + shown;
  }

  bool add(Json v) {
    if (frames_.empty()) {
      root_ = std::move(v);
    } else if (frames_.back().value.is_array()) {
      frames_.back().value.push_back(std::move(v));
    } else {
      frames_.back().value[frames_.back().key] = std::move(v);
    }
    return true;
  }

  bool open(Json empty) {
    frames_.push_back(Frame{std::move(empty), next_path(), "", {}});
    return true;
  }

  bool close() {
    Json done = std::move(frames_.back().value);
    frames_.pop_back();
    return add(std::move(done));
  }

  const std::string& text_;
  const size_t& read_;
  std::vector<Frame> frames_;
  Json root_;
  std::optional<Failure> failure_;
};

}  // namespace

nlohmann::json parse_json_text(const std::string& text, const std::string& label) {
  size_t read = 0;
  StrictBuilder builder(text, read);
  const char* begin = text.data();
  Json::sax_parse(CountingIterator(begin, begin, &read),
                  CountingIterator(begin + text.size(), begin, &read), &builder);
  if (const auto& f = builder.failure()) {
    throw JsonTextError(label + ": invalid JSON at " + place(text, f->byte) + ": " +
                            (f->path.empty() ? "" : f->path + ": ") + f->what,
                        f->syntax);
  }
  return std::move(builder.result());
}

}  // namespace tb
