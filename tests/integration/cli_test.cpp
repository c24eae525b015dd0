// Drives the tunebench binary end to end on a tiny spec and checks the store with SQL.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <boost/process.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

#include "harness/common/files.h"
#include "harness/store/sqlite.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;
using testing::CliResult;
using testing::sql_column;
using testing::sql_int;
using testing::sql_text;
using testing::tunebench;
using testing::write_spec;

TEST(Cli, RunsRecordsSkipsAndRecovers) {
  testing::ScratchDir dir("cli");
  nlohmann::json doc = testing::small_spec();
  // Fitted when each `run` ends, on the finished runs.
  doc["fits"] = nlohmann::json::parse(
      R"([{"law": "power_law", "x": {"x": "trainable_params"}, "y": "eval:forgetting/tuned/held_out_ce",
           "bootstrap": 20}])");
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";

  const CliResult first = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs"),
            6);  // full_ft x 2 seeds + lora x 2 ranks x 2 seeds
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done' AND attempts = 1"), 6);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE peak_rss_bytes > 50000000"), 6);  // LibTorch alone
  // `run` ends by writing the report folder, the spec's fit with its data included.
  const fs::path report_page = out / "reports" / doc.at("name").get<std::string>() / "index.html";
  ASSERT_TRUE(fs::exists(report_page)) << first.err;
  EXPECT_NE(read_file(report_page).find("id=\"fit-1\""), std::string::npos);
  EXPECT_NE(first.err.find("report: "), std::string::npos);
  EXPECT_EQ(sql_int(db,
                    "SELECT count(*) FROM runs WHERE git_commit IS NULL OR torch_version IS NULL "
                    "OR device IS NULL OR threads != 1"),
            0);
  EXPECT_EQ(sql_int(db,
                    "SELECT count(DISTINCT run_key) FROM evals WHERE suite = 'task_accuracy' "
                    "AND model = 'tuned' AND metric = 'accuracy' AND n = 10"),
            6);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM eval_items WHERE suite = 'task_accuracy'"),
            6 * 2 * 10);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM metrics WHERE name = 'train_loss'"),
            6 * 2);  // steps 5 and 10
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM params WHERE name = 'method.rank'"), 4);
  EXPECT_GT(sql_int(db, "SELECT min(trainable_params) FROM runs WHERE method = 'lora'"), 0);
  EXPECT_NE(first.out.find("| base model |"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("| lora rank=4 | 2 |"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("### fit 1: power_law"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("recorded as fit 1"), std::string::npos) << first.out;
  for (const auto& entry : fs::directory_iterator(out / "runs")) {
    // The worker's progress, for a person looking into a run folder.
    const std::string log = read_file(entry.path() / "log.txt");
    for (const char* line : {"trainable parameters, 10 steps\n", "step 5 loss ", "step 10 loss ",
                             "; evaluating\n", "result written after "}) {
      EXPECT_NE(log.find(line), std::string::npos) << line << " not in " << log;
    }
    EXPECT_TRUE(fs::exists(entry.path() / "result.json")) << entry.path();
    EXPECT_TRUE(fs::exists(entry.path() / "model.safetensors")) << entry.path();
    EXPECT_TRUE(fs::exists(entry.path() / "method.json")) << entry.path();
  }

  // --dry-run counts what each run trains, without training, exactly as its worker did.
  const CliResult dry = tunebench({"run", spec.string(), "--out", out.string(), "--dry-run"}, dir.path());
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  for (const std::string& key : sql_column(db, "SELECT key FROM runs")) {
    const std::string where = " FROM runs WHERE key = '" + key + "'";
    char optimizer[64];
    std::snprintf(optimizer, sizeof optimizer, "%.1f KiB",
                  double(sql_int(db, "SELECT optimizer_state_bytes" + where)) / 1024.0);
    const std::string line = "trainable=" + std::to_string(sql_int(db, "SELECT trainable_params" + where)) +
                             " optimizer_state=" + optimizer + "\n";
    const auto at = dry.out.find(key + "  ");
    ASSERT_NE(at, std::string::npos) << key << " not in " << dry.out;
    EXPECT_NE(dry.out.substr(at, dry.out.find('\n', at) + 1 - at).find(line), std::string::npos)
        << line << " not in " << dry.out;
  }
  EXPECT_EQ(dry.out.find("untrained base model"), std::string::npos) << "the base model is cached";

  // The same spec again: every run is skipped, nothing re-executed.
  const CliResult second = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("6 run(s) already done, skipped"), std::string::npos) << second.err;
  EXPECT_EQ(sql_int(db, "SELECT max(attempts) FROM runs"), 1);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM sweeps"), 2);

  // A coordinator killed after a worker finished but before the store recorded it: the
  // result in the run folder is ingested, not recomputed.
  {
    Database handle(db);
    handle.exec(
        "UPDATE runs SET status = 'running' WHERE rowid = 1; DELETE FROM evals WHERE run_key = "
        "(SELECT key FROM runs WHERE rowid = 1)");
  }
  const CliResult third = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.err.find("recovered from its run folder"), std::string::npos) << third.err;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 6);
  EXPECT_EQ(sql_int(db, "SELECT max(attempts) FROM runs"), 1);
  EXPECT_EQ(sql_int(db, "SELECT count(DISTINCT run_key) FROM evals"), 6);

  const CliResult runs = tunebench({"runs", "--out", out.string()}, dir.path());
  EXPECT_EQ(runs.exit_code, 0);
  EXPECT_NE(runs.out.find("done"), std::string::npos);
  const CliResult report = tunebench({"report", "--out", out.string()}, dir.path());
  EXPECT_EQ(report.exit_code, 0);
  EXPECT_NE(report.out.find("## small"), std::string::npos);

  // Spectra of every changed matrix: a rank-r LoRA update has rank r.
  EXPECT_EQ(sql_int(db, "SELECT count(DISTINCT run_key) FROM spectra WHERE metric = 'intruders'"),
            6);
  EXPECT_EQ(sql_int(db,
                    "SELECT max(s.value) FROM spectra s JOIN runs r ON r.key = s.run_key "
                    "WHERE s.metric = 'update_rank' AND r.method = 'lora' AND r.config_json LIKE "
                    "'%\"rank\":2%'"),
            2);
  const std::string full =
      sql_text(db, "SELECT key FROM runs WHERE method = 'full_ft' ORDER BY rowid");
  const std::string lora =
      sql_text(db, "SELECT key FROM runs WHERE method = 'lora' ORDER BY rowid");
  const CliResult one =
      tunebench({"spectrum", full.substr(0, 6), "--out", out.string()}, dir.path());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("| model.layers.0.self_attn.q_proj.weight |"), std::string::npos)
      << one.out;
  EXPECT_NE(one.out.find("intruder dimensions in total"), std::string::npos) << one.out;
  const CliResult two =
      tunebench({"spectrum", full, lora, "--out", out.string(), "--rank", "2"}, dir.path());
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.out.find("φ left, top 2"), std::string::npos) << two.out;
  const CliResult sweep =
      tunebench({"spectrum", "--sweep", "small", "--out", out.string()}, dir.path());
  ASSERT_EQ(sweep.exit_code, 0) << sweep.err;
  EXPECT_NE(sweep.out.find("| lora rank=4 | 2 |"), std::string::npos) << sweep.out;
  // Full fine-tuning changes embeddings and lm_head too; totals count the projections only.
  EXPECT_NE(sweep.out.find("| 2 | 14 |"), std::string::npos) << sweep.out;
  EXPECT_EQ(tunebench({"spectrum", "zzzz", "--out", out.string()}, dir.path()).exit_code, 2);

  // A law fitted to the sweep's runs is recorded in the store.
  const CliResult fit = tunebench(
      {"fit", "--sweep", "small", "--out", out.string(), "--law", "power_law", "--x",
       "x=trainable_params", "--y", "eval:forgetting/tuned/held_out_ce", "--bootstrap", "50"},
      dir.path());
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  EXPECT_NE(fit.out.find("| alpha |"), std::string::npos) << fit.out;
  // 3 from the spec (one per `run`), 1 from the command above.
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM fits WHERE source = 'sweep:small' AND points = 6"),
            4);
  const CliResult missing_metric =
      tunebench({"fit", "--sweep", "small", "--out", out.string(), "--law", "power_law", "--x",
                 "x=trainable_params", "--y", "eval:forgetting/tuned/nope"},
                dir.path());
  EXPECT_EQ(missing_metric.exit_code, 2);
  EXPECT_NE(missing_metric.err.find("has no eval \"forgetting/tuned/nope\""), std::string::npos)
      << missing_metric.err;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM fits"), 4);  // the failed fit recorded nothing
  // A sweep's runs are grouped by method, and each method needs points enough for the law.
  const CliResult by_variant =
      tunebench({"fit", "--sweep", "small", "--out", out.string(), "--law", "power_law", "--x",
                 "x=trainable_params", "--y", "eval:forgetting/tuned/held_out_ce", "--by", "variant"},
                dir.path());
  EXPECT_EQ(by_variant.exit_code, 2);
  EXPECT_NE(by_variant.err.find("grouped by \"method\""), std::string::npos) << by_variant.err;
  const CliResult by_method =
      tunebench({"fit", "--sweep", "small", "--out", out.string(), "--law", "power_law", "--x",
                 "x=trainable_params", "--y", "eval:forgetting/tuned/held_out_ce", "--by", "method"},
                dir.path());
  EXPECT_EQ(by_method.exit_code, 2);
  EXPECT_NE(by_method.err.find("needs at least 2 groups with more points than the law's 3 parameters; "),
            std::string::npos)
      << by_method.err;

  // New runs of the same base model say that they reuse it.
  const CliResult more =
      tunebench({"run", spec.string(), "seeds=[7]", "methods=[{\"method\": \"full_ft\"}]",
                 "--out", out.string()},
                dir.path());
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_NE(more.err.find("using cached base model "), std::string::npos) << more.err;
  EXPECT_EQ(more.err.find("pretraining base model"), std::string::npos) << more.err;
}

TEST(Cli, BadInputExitsWithTwoAndWritesNothing) {
  testing::ScratchDir dir("cli");
  const fs::path spec = write_spec(dir.path(), testing::small_spec());
  const fs::path out = dir.path() / "out";
  const CliResult bad =
      tunebench({"run", spec.string(), "methods[1].rank=-1", "--out", out.string()}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(
      bad.err.find("spec.json: methods[1].rank: expected an integer >= 1 and <= 16384, got -1"),
      std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(out));
  const CliResult missing =
      tunebench({"run", (dir.path() / "nope.json").string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.json: spec file not found"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(tunebench({"frobnicate"}, dir.path()).exit_code, 2);
  EXPECT_EQ(tunebench({"run", spec.string(), "--wrokers", "2"}, dir.path()).exit_code, 2);
  for (const char* command : {"run", "runs", "report", "worker"}) {
    EXPECT_EQ(tunebench({command, "--help"}, dir.path()).exit_code, 0) << command;
  }
}

// The commands that read results run in tunebench, which does not link LibTorch (so they
// start at once); run, worker and spectrum are handed to tunebench-torch beside it, and
// without it the message says where it was looked for.
TEST(Cli, ReadingCommandsLinkNoLibTorchAndTheOthersAreHandedOver) {
  testing::ScratchDir dir("cli_torch_half");
  const CliResult dynamic = [&] {
    const fs::path out = dir.path() / "readelf.txt";
    const int rc = bp::system(bp::search_path("readelf"), "-d", TUNEBENCH_BINARY,
                              bp::std_out > out.string(), bp::std_err > bp::null);
    return CliResult{rc, read_file(out), ""};
  }();
  ASSERT_EQ(dynamic.exit_code, 0);
  EXPECT_NE(dynamic.out.find("libsqlite3"), std::string::npos) << dynamic.out;
  EXPECT_EQ(dynamic.out.find("libtorch"), std::string::npos) << dynamic.out;
  EXPECT_EQ(dynamic.out.find("libc10"), std::string::npos) << dynamic.out;

  const CliResult spectrum = tunebench({"spectrum", "--help"}, dir.path());
  EXPECT_EQ(spectrum.exit_code, 0);
  EXPECT_NE(spectrum.out.find("usage: tunebench spectrum"), std::string::npos) << spectrum.out;

  const fs::path alone = dir.path() / "alone" / "tunebench";
  fs::create_directories(alone.parent_path());
  fs::copy_file(TUNEBENCH_BINARY, alone);
  const fs::path err = dir.path() / "err.txt";
  const int rc = bp::system(alone.string(), "run", "--help", bp::std_out > bp::null,
                            bp::std_err > err.string());
  EXPECT_EQ(rc, 1);
  EXPECT_NE(read_file(err).find("cannot start " + (alone.parent_path() / "tunebench-torch").string()),
            std::string::npos)
      << read_file(err);
}

// A spec that is well-formed JSON but cannot be taken as written: 1e999, a key given twice.
TEST(Cli, SpecJsonThatCannotBeTakenAsWrittenExitsWithTwo) {
  testing::ScratchDir dir("cli-json");
  const fs::path out = dir.path() / "out";
  const fs::path spec = dir.path() / "spec.json";
  auto run_with = [&](const std::string& replacement, std::vector<std::string> extra = {}) {
    std::string text = testing::small_spec().dump(2);
    text.replace(text.find("\"steps\": 10"), 12, replacement);
    std::ofstream(spec) << text;
    std::vector<std::string> args{"run", spec.string(), "--out", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return tunebench(args, dir.path());
  };
  const CliResult overflow = run_with("\"steps\": 10,\n    \"lr\": 1e999");
  EXPECT_EQ(overflow.exit_code, 2) << overflow.err;
  EXPECT_NE(overflow.err.find("tunebench: error: " + spec.string() + ": invalid JSON at line "),
            std::string::npos)
      << overflow.err;
  EXPECT_NE(overflow.err.find(
                ": training.lr: the number 1e999 is out of range; expected a finite number"),
            std::string::npos)
      << overflow.err;
  const CliResult twice = run_with("\"steps\": 10,\n    \"steps\": 5", {"--dry-run"});
  EXPECT_EQ(twice.exit_code, 2) << twice.out;
  EXPECT_NE(twice.err.find(": training.steps: duplicate key (first given at line "),
            std::string::npos)
      << twice.err;
  const CliResult override_overflow = run_with("\"steps\": 10", {"training.lr=1e999"});
  EXPECT_EQ(override_overflow.exit_code, 2) << override_overflow.err;
  EXPECT_NE(override_overflow.err.find("override \"training.lr=1e999\": invalid JSON"),
            std::string::npos)
      << override_overflow.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, DryRunChecksOptionsAndListsEachRunOnce) {
  testing::ScratchDir dir("cli-dry");
  auto doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(R"([{"method": "full_ft"}, {"method": "full_ft"}])");
  const fs::path spec = write_spec(dir.path(), doc);
  const CliResult bad_workers =
      tunebench({"run", spec.string(), "--dry-run", "--workers", "abc"}, dir.path());
  EXPECT_EQ(bad_workers.exit_code, 2) << bad_workers.out;
  EXPECT_NE(bad_workers.err.find("--workers abc: expected a whole number from 1 to 1024"),
            std::string::npos)
      << bad_workers.err;
  const CliResult dry = tunebench({"run", spec.string(), "--dry-run"}, dir.path());
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  // 2 runs, the note that the base model is not pretrained yet, and the count line.
  EXPECT_EQ(std::count(dry.out.begin(), dry.out.end(), '\n'), 4) << dry.out;
  EXPECT_NE(dry.out.find("counted on an untrained base model"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("2 run(s) (2 duplicate cell(s) with the same run key merged)"),
            std::string::npos)
      << dry.out;
}

// A sweep's name names its report folder: ".." once replaced the whole output folder.
TEST(Cli, ASweepNameThatIsAPathIsRefusedBeforeAnythingIsWritten) {
  testing::ScratchDir dir("cli-name");
  const fs::path spec = write_spec(dir.path(), testing::small_spec());
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  write_file_atomically(out / "keep.txt", "mine");
  for (const std::string name : {"..", ".", "a/b", "\x1b[2J"}) {
    const CliResult r =
        tunebench({"run", spec.string(), "name=" + name, "--out", out.string()}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << name << r.err;
    EXPECT_NE(r.err.find("spec.json: name: expected a sweep name"), std::string::npos) << r.err;
  }
  EXPECT_EQ(read_file(out / "keep.txt"), "mine");
  EXPECT_FALSE(fs::exists(out / "runs"));
}

// `run` checks the store before it makes a folder or writes a byte.
TEST(Cli, RunRefusesAStoreItCannotUseAndTouchesNothing) {
  testing::ScratchDir dir("cli-store");
  const fs::path spec = write_spec(dir.path(), testing::small_spec());
  const fs::path foreign = dir.path() / "foreign", garbage = dir.path() / "garbage";
  fs::create_directories(foreign);
  {
    Database db(foreign / "tunebench.sqlite");
    db.exec(
        "PRAGMA journal_mode=DELETE; CREATE TABLE runs (id INTEGER); CREATE TABLE notes (text "
        "TEXT)");
  }
  fs::create_directories(garbage);
  write_file_atomically(garbage / "tunebench.sqlite", std::string(4096, 'x'));
  const std::string foreign_bytes = read_file(foreign / "tunebench.sqlite");
  const std::vector<std::pair<fs::path, std::string>> cases = {
      {foreign,
       "an SQLite database without tunebench's tables evals, sweeps (its tables: notes, runs)"},
      {garbage, "not an SQLite database"},
  };
  for (const auto& [out, why] : cases) {
    const CliResult r = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("tunebench.sqlite: " + why), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out / "runs"));
    EXPECT_FALSE(fs::exists(out / "models"));
  }
  // Still in its own journal mode, no tables added (compared whole, not printed).
  EXPECT_TRUE(read_file(foreign / "tunebench.sqlite") == foreign_bytes);
  // An output folder that cannot be made (under a file): exit 2, the file untouched.
  write_file_atomically(dir.path() / "notes.txt", "my notes");
  const CliResult under_file = tunebench(
      {"run", spec.string(), "--out", (dir.path() / "notes.txt" / "out").string()}, dir.path());
  EXPECT_EQ(under_file.exit_code, 2) << under_file.err;
  EXPECT_NE(under_file.err.find("is not a folder"), std::string::npos) << under_file.err;
  EXPECT_EQ(read_file(dir.path() / "notes.txt"), "my notes");
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

TEST(Cli, FitReadsACsvRecordsOnlyWhenAskedAndRejectsBadInput) {
  testing::ScratchDir dir("cli-fit");
  const fs::path csv = dir.path() / "points.csv";
  {
    std::ofstream f(csv);
    f << "size,tokens,loss\n";
    for (double n : {1e6, 3e6, 1e7, 3e7}) {
      for (double d : {1e8, 1e9, 1e10})
        f << n << "," << d << "," << 1.5 + 300 / std::pow(n, 0.3) + 900 / std::pow(d, 0.25) << "\n";
    }
  }
  const fs::path out = dir.path() / "out";
  const std::vector<std::string> base_args{
      "fit", "--law",    "chinchilla", "--data", csv.string(),  "--x", "N=size",
      "--x", "D=tokens", "--y",        "loss",   "--bootstrap", "20"};
  const CliResult plain = tunebench(base_args, dir.path());
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("| alpha | 0.3 |"), std::string::npos) << plain.out;
  EXPECT_FALSE(fs::exists(out));  // no --out: nothing recorded

  auto with = [&](std::vector<std::string> extra) {
    auto args = base_args;
    args.insert(args.end(), extra.begin(), extra.end());
    return tunebench(args, dir.path());
  };
  const CliResult recorded = with({"--out", out.string(), "--holdout-largest", "N"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  EXPECT_NE(recorded.out.find("held out 3 points"), std::string::npos) << recorded.out;
  EXPECT_EQ(sql_int(out / "tunebench.sqlite", "SELECT count(*) FROM fits WHERE points = 9"), 1);
  const CliResult listed = tunebench({"fit", "--list", "--out", out.string()}, dir.path());
  EXPECT_NE(listed.out.find("fit 1"), std::string::npos) << listed.out;

  const fs::path other = dir.path() / "other";
  const std::string data = csv.string();
  const std::vector<std::vector<std::string>> bad_inputs = {
      {"--law", "chinchilla", "--data", data, "--x", "N=size", "--x", "Q=size", "--y", "loss"},
      {"--law", "chinchilla", "--data", data, "--x", "N=size", "--y", "loss"},
      {"--law", "chinchilla", "--data", data, "--x", "N=size", "--x", "D=nope", "--y", "loss"},
      {"--law", "chinchilla", "--data", data, "--x", "N=size", "--x", "D=tokens", "--y", "loss",
       "--start", "gamma=1"},
      {"--law", "chinchilla", "--data", data, "--x", "N=size", "--x", "D=tokens", "--y", "loss",
       "--bootstrap", "-1"},
      {"--law", "E + A*", "--data", data, "--x", "N=size", "--y", "loss"},
      {"--law", "power_law", "--data", (dir.path() / "missing.csv").string(), "--x", "x=size",
       "--y", "loss"},
  };
  for (auto args : bad_inputs) {
    args.insert(args.begin(), "fit");
    args.insert(args.end(), {"--out", other.string()});
    const CliResult r = tunebench(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << args[2] << " " << r.err;
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(other));  // bad input writes nothing

  // Numeric options are checked against a range, before anything runs.
  const std::vector<std::pair<std::vector<std::string>, std::string>> out_of_range = {
      {{"--threads", "100000"}, "--threads 100000: expected a whole number from 0 to 256"},
      {{"--bootstrap", "99999999999"},
       "--bootstrap 99999999999: expected a whole number from 0 to 1000000"},
      {{"--seed", "1e30"}, "--seed 1e30: expected a whole number from 0 to 9223372036854775807"},
      {{"--seed", "9223372036854775808"},  // 2^63, which double(INT64_MAX) rounds to
       "--seed 9223372036854775808: expected a whole number from 0 to 9223372036854775807"},
      {{"--seed", "9.223372036854775808e18"},
       "--seed 9.223372036854775808e18: expected a whole number from 0 to 9223372036854775807"},
      {{"--threads", "0x10"}, "--threads 0x10: expected a whole number from 0 to 256"},
      {{"--threads", " 4"}, "--threads  4: expected a whole number from 0 to 256"},
      {{"--delta", "nan"}, "--delta nan: expected a number > 0"},
      {{"--delta", "1e999"}, "--delta 1e999: expected a number > 0"},
  };
  for (const auto& [extra, message] : out_of_range) {
    std::vector<std::string> args{"fit",    "--law", "chinchilla", "--data", data,  "--x",
                                  "N=size", "--x",   "D=tokens",   "--y",    "loss"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = tunebench(args, dir.path());
    EXPECT_EQ(r.exit_code, 2) << extra[0] << " " << r.err;
    EXPECT_NE(r.err.find("tunebench: error: " + message), std::string::npos) << r.err;
  }
}

// Two methods' points in one CSV, fitted jointly: each alone, with a shared exponent, and
// the tests of whether they share it (exponents 0.3 and 0.6 here: they do not).
TEST(Cli, FitsGroupsJointlyAndTestsTheSharedExponent) {
  testing::ScratchDir dir("cli-joint-fit");
  const fs::path csv = dir.path() / "points.csv";
  {
    std::ofstream f(csv);
    f << "method,params,loss\n";
    for (int k = 0; k < 8; ++k) {
      const double n = std::pow(4.0, k + 1), wobble = 1 + 0.01 * ((k * 7) % 5 - 2);
      f << "lora," << n << "," << (0.2 + 3 * std::pow(n, -0.3)) * wobble << "\n";
      f << "full_ft," << n << "," << (0.1 + 5 * std::pow(n, -0.6)) * wobble << "\n";
    }
    f << "soup,4,1.5\nsoup,16,1.2\n";  // too few points for the law: left out, with a warning
  }
  const fs::path out = dir.path() / "out";
  const std::vector<std::string> args{"fit", "--law", "power_law", "--data", csv.string(),
                                      "--x", "x=params", "--y", "loss", "--by", "method",
                                      "--bootstrap", "100", "--out", out.string()};
  const CliResult joint = tunebench(args, dir.path());
  ASSERT_EQ(joint.exit_code, 0) << joint.err;
  for (const char* part : {"**warning:** group \"soup\" left out: 2 points", "#### lora alone",
                           "#### full_ft alone", "#### shared alpha", "| E[full_ft] |",
                           "F(1, 10) = ", "| alpha | full_ft − lora | "})
    EXPECT_NE(joint.out.find(part), std::string::npos) << part << "\n" << joint.out;
  const auto record = nlohmann::json::parse(sql_text(out / "tunebench.sqlite", "SELECT result_json FROM fits"));
  EXPECT_EQ(record.at("by"), "method");
  EXPECT_LT(record.at("joint").at("p_value").get<double>(), 1e-3);
  EXPECT_EQ(record.at("points").at("groups").size(), 16u);
  EXPECT_NEAR(record.at("joint").at("differences").at(0).at("value").get<double>(), 0.3, 0.05);

  const std::string data = csv.string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--by", "nope"}, "no column \"nope\""},
      {{"--by", "method", "--shared", "gamma"}, "cannot share \"gamma\""},
      {{"--shared", "alpha"}, "shared parameters need groups"},
      {{"--by", "method", "--holdout-largest", "x"}, "a joint fit does not hold out points"},
  };
  for (const auto& [extra, message] : bad) {
    std::vector<std::string> a{"fit", "--law", "power_law", "--data", data, "--x", "x=params", "--y", "loss"};
    a.insert(a.end(), extra.begin(), extra.end());
    const CliResult r = tunebench(a, dir.path());
    EXPECT_EQ(r.exit_code, 2) << extra[0] << " " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace tb
