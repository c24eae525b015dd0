// A Jinja template rendered exactly as @huggingface/jinja 0.5.13 renders it (the engine
// transformers.js uses for chat templates), which follows Python's Jinja2 closely but is
// JavaScript underneath. Where the two differ, this engine does what @huggingface/jinja does:
//   {{ true }} prints "true"; {{ 2.0 }} "2.0" but 2.0 ~ "" gives "2"; s.strip('\n') strips all
//   white space; `==` between lists or mappings is identity; tojson keeps non-ASCII text.
// Constructs the reference supports but tunebench does not (call blocks, macros that use
// caller/varargs/kwargs, letter case of non-ASCII text, tojson(sort_keys=true), ...) fail
// with a message naming them.
// Every failure is a tb::UserError: "<origin>, line L, column C: <what went wrong>".
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/text/jinja/globals.h"
#include "harness/text/jinja/preprocess.h"

namespace tb::jinja {

struct RenderOptions {
  // The clock strftime_now() reads (local time, as the reference's `new Date()`).
  LocalTimeSource local_time = current_local_time;
};

class Template {
 public:
  // Parses `source` (with trim_blocks and lstrip_blocks, as transformers and the reference
  // do); syntax errors and unsupported statements are reported here. `origin` names the
  // template in messages, e.g. "tokenizer_config.json: /chat_template".
  Template(std::string source, std::string origin);

  // Renders with the top-level names of `variables` (a JSON object) defined.
  std::string render(const nlohmann::ordered_json& variables,
                     const RenderOptions& options = {}) const;

  const std::string& origin() const { return origin_; }

 private:
  struct Parsed;
  std::string source_;
  std::string origin_;
  std::shared_ptr<const Parsed> parsed_;

  [[noreturn]] void report(const std::string& message, size_t offset) const;
};

}  // namespace tb::jinja
