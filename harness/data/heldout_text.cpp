#include "harness/data/heldout_text.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/common/check.h"
#include "harness/common/files.h"

namespace tb {
namespace {

std::vector<std::string> documents_of(const std::filesystem::path& file) {
  std::string text;
  try {
    text = read_file(file);
  } catch (const std::exception& e) {
    throw UserError(file.string() + ": cannot be read (" + e.what() + ")");
  }
  if (file.extension() != ".jsonl") return {text};
  std::vector<std::string> documents;
  std::istringstream lines(text);
  std::string line;
  for (int64_t number = 1; std::getline(lines, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object() || !record.contains("text") || !record.at("text").is_string()) {
      throw UserError(file.string() + ":" + std::to_string(number) + ": expected a JSON object {\"text\": \"...\"}");
    }
    documents.push_back(record.at("text").get<std::string>());
  }
  return documents;
}

}  // namespace

std::vector<std::vector<int64_t>> heldout_text_rows(const std::filesystem::path& file, const Tokenizer& tok,
                                                   int64_t rows, int64_t seq_len) {
  const auto width = size_t(seq_len + 1);
  std::vector<int64_t> stream;
  for (const std::string& doc : documents_of(file)) {
    const auto ids = tok.encode_document(doc);
    stream.insert(stream.end(), ids.begin(), ids.end());
    if (stream.size() >= size_t(rows) * width) break;
  }
  if (stream.size() < size_t(rows) * width) {
    throw UserError(file.string() + ": " + std::to_string(stream.size()) + " tokens, enough for " +
                    std::to_string(stream.size() / width) + " sequences of seq_len + 1 = " + std::to_string(width) +
                    " tokens; " + std::to_string(rows) + " are asked for (lower sequences or seq_len)");
  }
  std::vector<std::vector<int64_t>> out;
  for (int64_t r = 0; r < rows; ++r) out.emplace_back(stream.begin() + long(size_t(r) * width), stream.begin() + long(size_t(r + 1) * width));
  return out;
}

}  // namespace tb
