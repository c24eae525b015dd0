// The public face of the engine (see template.h): preprocess, lex and parse once; render
// with a fresh global scope each time, as @huggingface/jinja's Template.render does; turn
// every internal failure into a tb::UserError that names the template and the position.
#include "harness/text/jinja/template.h"

#include <algorithm>

#include "harness/common/check.h"
#include "harness/text/jinja/ast.h"
#include "harness/text/jinja/environment.h"
#include "harness/text/jinja/evaluator.h"
#include "harness/text/jinja/lexer.h"
#include "harness/text/jinja/parser.h"
#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"
#include "harness/text/jinja/value.h"

namespace tb::jinja {

struct Template::Parsed {
  PreprocessedTemplate text;
  NodeList program;
};

Template::Template(std::string source, std::string origin)
    : source_(std::move(source)), origin_(std::move(origin)) {
  if (!is_valid_utf8(source_)) throw UserError(origin_ + ": the template is not valid UTF-8");
  auto parsed = std::make_shared<Parsed>();
  parsed->text = preprocess_template(source_);
  try {
    parsed->program = parse(tokenize(parsed->text.text));
  } catch (const TemplateFailure& failure) {
    parsed_ = parsed;  // report() maps the offset through the preprocessed text
    report(failure.what(), failure.offset);
  }
  parsed_ = std::move(parsed);
}

std::string Template::render(const nlohmann::ordered_json& variables,
                             const RenderOptions& options) const {
  if (!variables.is_object())
    throw UserError(origin_ + ": the template's variables must be a JSON object");
  const auto globals_holder = Environment::global();
  Environment& globals = *globals_holder;
  declare_globals(globals, options.local_time);
  try {
    for (auto it = variables.begin(); it != variables.end(); ++it) {
      if (!globals.declare(it.key(), value_from_json(it.value()))) {
        throw UserError(origin_ + ": the variable '" + it.key() +
                        "' clashes with a name the template engine defines; rename it");
      }
    }
    return render_statements(parsed_->program, globals);
  } catch (const TemplateFailure& failure) {
    report(failure.what(), failure.offset);
  } catch (const LoopControlOutsideLoop& stray) {
    report(std::string("'") + (stray.is_break ? "break" : "continue") + "' outside a for loop",
           stray.offset);
  }
}

void Template::report(const std::string& message, size_t offset) const {
  if (offset == kUnknownOffset) throw UserError(origin_ + ": " + message);
  const auto& origin = parsed_->text.origin;
  const size_t source_offset = origin[std::min(offset, origin.size() - 1)];
  throw UserError(origin_ + ", " + describe_location(source_, source_offset) + ": " + message);
}

}  // namespace tb::jinja
