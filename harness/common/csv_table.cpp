#include "harness/common/csv_table.h"

#include <cstdlib>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/common/strings.h"

namespace tb {

CsvTable CsvTable::read(const std::filesystem::path& path) {
  return parse(read_file(path), path.string());
}

CsvTable CsvTable::parse(const std::string& text, const std::string& source) {
  CsvTable t;
  t.source_ = source;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, row_has_content = false;
  size_t line = 1, row_line = 1;
  // Unquoted fields are trimmed ("N, D, loss" names the column "D"); quoted ones kept as is.
  bool field_quoted = false;
  auto finish_field = [&] {
    fields.push_back(field_quoted ? field : trim(field));
    field.clear();
    field_quoted = false;
  };
  auto end_row = [&] {
    if (row_has_content) {
      finish_field();
      if (t.columns_.empty()) {
        t.columns_ = fields;
      } else if (fields.size() != t.columns_.size()) {
        throw UserError(source + ":" + std::to_string(row_line) + ": " +
                        std::to_string(fields.size()) + " fields, but the header has " +
                        std::to_string(t.columns_.size()));
      } else {
        t.rows_.push_back(fields);
        t.lines_.push_back(row_line);
      }
    }
    fields.clear();
    field.clear();
    field_quoted = false;
    row_has_content = false;
  };
  const size_t start = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // a UTF-8 byte-order mark
  for (size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '\r') continue;
    if (c == '\n') {
      end_row();
      row_line = ++line;
      continue;
    }
    row_has_content = true;
    if (c == '"') {
      quoted = field_quoted = true;
    } else if (c == ',') {
      finish_field();
    } else {
      field += c;
    }
  }
  if (quoted)
    throw UserError(source + ":" + std::to_string(row_line) + ": unterminated quoted field");
  end_row();
  if (t.columns_.empty())
    throw UserError(source + ": empty file; expected a header row of column names");
  return t;
}

size_t CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return i;
  }
  std::string list;
  for (const auto& c : columns_) list += (list.empty() ? "\"" : ", \"") + c + "\"";
  throw UserError(source_ + ": no column \"" + name + "\"; the columns are " + list);
}

double CsvTable::number(size_t row, size_t column) const {
  const std::string& s = rows_[row][column];
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) {
    throw UserError(where(row) + ": column \"" + columns_[column] + "\" is \"" + s +
                    "\", expected a number");
  }
  return v;
}

std::string CsvTable::where(size_t row) const {
  return source_ + ":" + std::to_string(lines_[row]);
}

}  // namespace tb
