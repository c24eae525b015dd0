// Post-hoc cells end to end: LiNeS and a greedy soup run after their parents, are recorded
// with links to them, and a post-hoc cell whose parent failed is never started and is
// recorded as failed (parent_failed) with the reason.
#include <gtest/gtest.h>

#include "harness/common/files.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;
using testing::sql_int;
using testing::sql_text;

TEST(PosthocSweep, CellsRunAfterTheirParentsAndAFailedParentSkipsItsChildren) {
  testing::ScratchDir dir("posthoc");
  nlohmann::json doc = testing::small_spec();
  doc["seeds"] = {0};
  doc["execution"] = {{"threads", 1}, {"workers", 2}};
  doc["methods"] = nlohmann::json::parse(R"([
    {"method": "lines", "of": "ft", "alpha": [1.0, 0.5]},
    {"method": "full_ft", "id": "ft", "lr": [1e-3, 3e-3]},
    {"method": "full_ft", "id": "diverges", "lr": 1e12, "grad_clip": 0, "warmup_steps": 0},
    {"method": "soup", "of": "ft", "recipe": "greedy", "validation_items": 20},
    {"method": "lines", "of": "diverges", "alpha": 0.5}
  ])");
  const fs::path spec = testing::write_spec(dir.path(), doc);
  const fs::path out = dir.path() / "out";
  const auto result = testing::tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(result.exit_code, 1) << "a run failed" << result.err;
  const fs::path db = out / "tunebench.sqlite";

  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 2 + 4 + 1);
  EXPECT_EQ(sql_text(db, "SELECT failure_kind FROM runs WHERE method = 'full_ft' AND status = 'failed'"), "failed");
  EXPECT_EQ(sql_text(db, "SELECT failure_kind FROM runs WHERE method = 'lines' AND status = 'failed'"), "parent_failed");
  EXPECT_NE(sql_text(db, "SELECT failure_reason FROM runs WHERE failure_kind = 'parent_failed'").find("failed"),
            std::string::npos);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM attempts a JOIN runs r ON r.key = a.run_key "
                        "WHERE r.failure_kind = 'parent_failed'"),
            0)
      << "never started";

  // Links: 4 LiNeS cells with 1 parent each, the soup with 2, the orphan with 1.
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM run_parents"), 4 + 2 + 1);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM run_parents p JOIN runs r ON r.key = p.run_key "
                        "JOIN runs parent ON parent.key = p.parent_key "
                        "WHERE r.method = 'soup' AND parent.method = 'full_ft' AND parent.status = 'done'"),
            2);
  // Every post-hoc run finished after all its parents.
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM run_parents p JOIN runs r ON r.key = p.run_key "
                        "JOIN runs parent ON parent.key = p.parent_key "
                        "WHERE r.status = 'done' AND r.started_at < parent.finished_at"),
            0);

  // LiNeS with alpha = 1 (beta = 1 - alpha = 0) is its parent, bit for bit.
  // Labels name what differs: alpha among the LiNeS cells; lr, grad_clip and warmup among full_ft's.
  const std::string lines_key = sql_text(
      db, "SELECT key FROM runs WHERE variant LIKE 'lines alpha=1 of (full_ft grad_clip=1 lr=1e-3 warmup_steps=%)'");
  const std::string parent_key = sql_text(db, "SELECT parent_key FROM run_parents WHERE run_key = '" + lines_key + "'");
  ASSERT_FALSE(lines_key.empty());
  EXPECT_EQ(read_file(out / "runs" / lines_key / "model.safetensors"),
            read_file(out / "runs" / parent_key / "model.safetensors"));
  EXPECT_EQ(sql_int(db, "SELECT trainable_params FROM runs WHERE key = '" + lines_key + "'"),
            sql_int(db, "SELECT trainable_params FROM runs WHERE key = '" + parent_key + "'"));
  const std::string soup_key = sql_text(db, "SELECT key FROM runs WHERE method = 'soup'");
  const auto soup = nlohmann::json::parse(read_file(out / "runs" / soup_key / "method.json"));
  EXPECT_EQ(soup.at("recipe"), "greedy");
  EXPECT_EQ(soup.at("steps").size(), 2u);
  EXPECT_GT(sql_int(db, "SELECT count(*) FROM evals WHERE run_key = '" + soup_key + "'"), 0);
}

}  // namespace
}  // namespace tb
