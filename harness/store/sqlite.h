// Thin RAII wrapper over the SQLite C API. Only harness/store/ uses it.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace tb {

// A failed SQLite call; code() is its extended result code (SQLITE_CORRUPT, SQLITE_NOTADB, ...).
class SqliteError : public std::runtime_error {
 public:
  SqliteError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, int64_t v);
  Statement& bind(int index, double v);
  Statement& bind(int index, const std::string& v);
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<double>& v) { return v ? bind(index, *v) : bind_null(index); }
  // Returns true while a row is available.
  bool step();
  // Runs to completion and resets for reuse.
  void run();
  void reset();

  int64_t column_int(int i) const;
  double column_double(int i) const;
  std::string column_text(int i) const;
  bool column_is_null(int i) const;
  int column_count() const { return sqlite3_column_count(stmt_); }
  int parameter_count() const { return sqlite3_bind_parameter_count(stmt_); }  // the largest ?N
  std::string column_name(int i) const { return sqlite3_column_name(stmt_, i); }
  int column_type(int i) const { return sqlite3_column_type(stmt_, i); }  // SQLITE_INTEGER, ...

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Read-write (created when absent, switched to WAL), or read-only: nothing is written,
  // and when no write-ahead log holds pages the file is read as immutable, so no file is
  // created beside it either (a read-only folder could not hold one).
  explicit Database(const std::filesystem::path& path, bool read_only = false);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);
  sqlite3* handle() { return db_; }
  bool read_only() const { return read_only_; }
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

 private:
  void open(const std::string& name, int flags);
  void configure();  // busy timeout, pragmas, WAL mode for a writer

  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed without commit().
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace tb
