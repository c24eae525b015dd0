// Small file helpers. Everything a run or the store leaves on disk goes through
// write_file_atomically, so a killed process never leaves a half-written file.
#pragma once
#include <filesystem>
#include <string>

namespace tb {

// Writes to "<path>.tmp.<pid>", fsyncs, then renames over `path`. On any failure (a full
// disk, a file-size limit) the temporary file is removed before the error propagates.
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

// Whether `name` is a temporary file of an atomic write: "<file>.tmp.<pid>" (this file's
// write_file_atomically) or "<file>.tmp" (a checkpoint being saved).
bool is_temporary_file_name(const std::string& name);

// Removes the temporary files that writers killed mid-write left directly in `dir` (not
// below it); returns how many. Call only while no writer of that folder runs.
int remove_temporary_files(const std::filesystem::path& dir);

// Whole file as a string; throws UserError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// The last non-empty line of a text file ("" if none); cheap on large files.
std::string last_line(const std::filesystem::path& path);

// The last `max_bytes` of a file (for failure reasons quoting a log).
std::string file_tail(const std::filesystem::path& path, size_t max_bytes);

}  // namespace tb
