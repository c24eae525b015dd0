// Small file helpers. Everything a run or the store leaves on disk goes through
// write_file_atomically, so a killed process never leaves a half-written file.
#pragma once
#include <filesystem>
#include <string>

namespace tb {

// Writes to "<path>.tmp.<pid>", fsyncs, then renames over `path`.
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

// Whole file as a string; throws UserError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// The last non-empty line of a text file ("" if none); cheap on large files.
std::string last_line(const std::filesystem::path& path);

// The last `max_bytes` of a file (for failure reasons quoting a log).
std::string file_tail(const std::filesystem::path& path, size_t max_bytes);

}  // namespace tb
