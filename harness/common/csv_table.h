// A CSV file read into memory: a header row naming the columns, then data rows (RFC 4180
// quoting; blank lines skipped). Errors name the file and line.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace tb {

class CsvTable {
 public:
  // Throws UserError if the file cannot be read, has no header, or a row has the wrong
  // number of fields.
  static CsvTable read(const std::filesystem::path& path);
  static CsvTable parse(const std::string& text, const std::string& source);

  const std::vector<std::string>& columns() const { return columns_; }
  size_t rows() const { return rows_.size(); }
  // The column's index; UserError listing the columns when there is none.
  size_t column(const std::string& name) const;
  const std::string& text(size_t row, size_t column) const { return rows_[row][column]; }
  // The field as a number; UserError naming file:line and column when it is not one.
  double number(size_t row, size_t column) const;
  // "file:line" of a data row.
  std::string where(size_t row) const;

 private:
  std::string source_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<size_t> lines_;
};

}  // namespace tb
