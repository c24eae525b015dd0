// End-to-end: `tunebench report`, `compare`, `regress` and `export` on a fixture store,
// their exit codes on bad input, and the HTML report rendered by headless Chromium.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tests/harness/report/report_fixture.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb::testing {
namespace {

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(out_);
    write_fixture_sweep(out_ / "tunebench.sqlite", "fixture", fixture_runs());
  }
  ScratchDir dir_{"report-cli"};
  fs::path out_ = dir_.path() / "out";
};

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Expected charts of the fixture: Pareto, loss, 2 length x depth heatmaps, 2 spectral.
constexpr size_t kFixtureCharts = 6;

TEST_F(ReportCli, WritesASelfContainedFolderWithEveryFormat) {
  const auto r = tunebench({"report", "fixture", "--out", out_.string()}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path folder = out_ / "reports" / "fixture";
  for (const char* f : {"index.html", "report.md", "methods.csv", "methods.tex"}) EXPECT_TRUE(fs::exists(folder / f)) << f;
  EXPECT_NE(r.out.find("0.900 [0.652, 1.000]"), std::string::npos) << r.out;  // clipped to [0, 1]
  const std::string html = read_file(folder / "index.html");
  EXPECT_EQ(count_of(html, "<svg "), kFixtureCharts);
  EXPECT_EQ(count_of(html, "class=\"chart scatter-chart\""), 1u);
  EXPECT_EQ(count_of(html, "class=\"chart heatmap\""), 2u);
  EXPECT_EQ(html.find("<b>"), std::string::npos);  // the hostile label is escaped everywhere
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("non-finite loss &lt;nan&gt;"), std::string::npos);  // the failed run, escaped
  // Every reference resolves: in-page anchors to ids, other links to files in the folder.
  std::set<std::string> ids;
  const std::regex id_re("id=\"([^\"]+)\""), ref_re("(?:href|src)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_re); it != std::sregex_iterator(); ++it)
    ids.insert((*it)[1]);
  size_t refs = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ref_re); it != std::sregex_iterator(); ++it, ++refs) {
    const std::string ref = (*it)[1];
    if (ref.rfind("#", 0) == 0) {
      EXPECT_TRUE(ids.count(ref.substr(1))) << "broken anchor " << ref;
    } else {
      EXPECT_EQ(ref.find(':'), std::string::npos) << "external reference " << ref;
      EXPECT_TRUE(fs::exists(folder / ref)) << "missing file " << ref;
    }
  }
  EXPECT_GE(refs, 5u);
  // A second report replaces the first whole, leaving no staging folders behind.
  ASSERT_EQ(tunebench({"report", "--sweep", "fixture", "--out", out_.string()}, dir_.path()).exit_code, 0);
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(out_ / "reports")) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "fixture");
  }
  EXPECT_EQ(entries, 1u);
  // A folder given with a trailing slash is replaced the same way.
  const std::string slashed = (dir_.path() / "mine").string() + "/";
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(tunebench({"report", "fixture", "--out", out_.string(), "--to", slashed}, dir_.path()).exit_code, 0);
  }
  EXPECT_TRUE(fs::exists(dir_.path() / "mine" / "index.html"));
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
    EXPECT_EQ(e.path().filename().string().find(".old."), std::string::npos) << e.path();
  }
}

TEST_F(ReportCli, HtmlRendersInHeadlessChromiumWithEveryChart) {
  const char* candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"};
  std::string chromium;
  for (const char* c : candidates) {
    if (fs::exists(c)) chromium = c;
  }
  if (chromium.empty()) GTEST_SKIP() << "no chromium; tools/setup.sh --tests installs it";
  ASSERT_EQ(tunebench({"report", "fixture", "--out", out_.string(), "--to", (dir_.path() / "r").string()}, dir_.path())
                .exit_code,
            0);
  // The page, plus a probe that measures what the browser actually laid out.
  std::string html = read_file(dir_.path() / "r" / "index.html");
  const std::string probe = R"(<script>
  const charts = [...document.querySelectorAll('svg.chart')];
  const drawn = charts.filter(s => { const b = s.getBoundingClientRect(); return b.width > 100 && b.height > 100 &&
      s.querySelectorAll('text').length > 3; }).length;
  const broken = [...document.querySelectorAll('a[href^="#"]')].filter(a => !document.getElementById(a.getAttribute('href').slice(1))).length;
  const legends = document.querySelectorAll('svg.chart .legend-entry').length;
  const p = document.createElement('pre'); p.id = 'probe';
  p.textContent = `charts=${charts.length} drawn=${drawn} broken=${broken} legends=${legends > 0}`;
  document.body.appendChild(p);
</script>)";
  html.replace(html.rfind("</body>"), 7, probe + "</body>");
  write_file_atomically(dir_.path() / "r" / "probe.html", html);
  namespace bp = boost::process;
  const fs::path dom = dir_.path() / "dom.html", log = dir_.path() / "chromium.log";
  const int rc = bp::system(bp::exe = chromium,
                            bp::args = {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                        "--user-data-dir=" + (dir_.path() / "profile").string(), "--dump-dom",
                                        "file://" + (dir_.path() / "r" / "probe.html").string()},
                            bp::std_out > dom.string(), bp::std_err > log.string());
  ASSERT_EQ(rc, 0) << read_file(log);
  const std::string rendered = read_file(dom);
  EXPECT_NE(rendered.find("charts=" + std::to_string(kFixtureCharts) + " drawn=" + std::to_string(kFixtureCharts) +
                          " broken=0 legends=true"),
            std::string::npos)
      << rendered.substr(rendered.find("<pre id=\"probe\"") == std::string::npos ? 0 : rendered.find("<pre id=\"probe\""), 200);
}

// Every variant name a chart's legend shows is a name `compare` accepts.
TEST_F(ReportCli, EveryLegendNameIsAcceptedByCompare) {
  ASSERT_EQ(tunebench({"report", "fixture", "--out", out_.string()}, dir_.path()).exit_code, 0);
  const std::string html = read_file(out_ / "reports" / "fixture" / "index.html");
  std::set<std::string> names;
  const std::regex name_re("<g class=\"legend-entry\"><title>([^<]*)</title>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), name_re); it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[1];
    for (const auto& [entity, text] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
                                       {"&amp;", "&"}}) {
      for (size_t at = name.find(entity); at != std::string::npos; at = name.find(entity, at + 1))
        name.replace(at, std::string(entity).size(), text);
    }
    if (name != "Pareto frontier" && name != "base model") names.insert(name);
  }
  EXPECT_EQ(names, (std::set<std::string>{"full_ft lr=0.001", kHostileVariant}));
  for (const auto& name : names) {
    const std::string other = name == kHostileVariant ? "full_ft lr=0.001" : kHostileVariant;
    const auto r = tunebench({"compare", name, other, "--out", out_.string()}, dir_.path());
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
}

TEST_F(ReportCli, CompareExportAndRegressOnTheFixture) {
  auto r = tunebench({"compare", "full_ft", "lora", "--out", out_.string()}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("not distinguishable from seed-to-seed noise"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("McNemar on these runs' 0/1 items (conditional on these runs)"), std::string::npos);

  r = tunebench({"export", "items", "--format", "jsonl", "--out", out_.string()}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_of(r.out, "\n"), 60u);  // 6 runs x 10 items
  const auto first = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  EXPECT_EQ(first.at("score").get<double>(), 1.0);
  EXPECT_EQ(first.at("item_id"), "reverse/0");
  EXPECT_EQ(first.at("metric"), "accuracy");  // which metric the score counts towards
  EXPECT_TRUE(first.contains("gold"));
  EXPECT_TRUE(first.contains("output"));
  r = tunebench({"export", "--out", out_.string(), "--method", "lora", "--to", (dir_.path() / "runs.csv").string()},
                dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = read_file(dir_.path() / "runs.csv");
  EXPECT_EQ(csv.rfind("run_key,method,variant,seed,status", 0), 0u) << csv;
  EXPECT_EQ(count_of(csv, "\n"), 4u);  // header + 3 lora runs

  const fs::path tolerances = dir_.path() / "tol.json";
  write_file_atomically(tolerances, R"({"metrics": {"task_accuracy accuracy": {"tolerance": 0.02}}})");
  r = tunebench({"regress", "--baseline", out_.string(), "--candidate", (out_ / "tunebench.sqlite").string(),
                 "--tolerances", tolerances.string()},
                dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto worse = fixture_runs();
  for (auto& run : worse) run.accuracy -= run.method == "lora" ? 0.3 : 0;
  fs::create_directories(dir_.path() / "cand");
  write_fixture_sweep(dir_.path() / "cand" / "tunebench.sqlite", "fixture", worse);
  r = tunebench({"regress", "--baseline", "fixture", "--candidate", (dir_.path() / "cand").string(), "--tolerances",
                 tolerances.string(), "--out", out_.string()},
                dir_.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("REGRESSED " + kHostileVariant + " · task_accuracy accuracy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("worse by 0.3000"), std::string::npos) << r.out;

  // A candidate without lora runs: missing, not regressed, exit 3.
  auto no_lora = fixture_runs();
  std::erase_if(no_lora, [](const auto& run) { return run.method == "lora"; });
  fs::create_directories(dir_.path() / "partial");
  write_fixture_sweep(dir_.path() / "partial" / "tunebench.sqlite", "fixture", no_lora);
  r = tunebench({"regress", "--baseline", out_.string(), "--candidate", (dir_.path() / "partial").string(),
                 "--tolerances", tolerances.string()},
                dir_.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("MISSING   " + kHostileVariant), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("REGRESSED"), std::string::npos) << r.out;
}

TEST_F(ReportCli, AnUnknownSweepIsOneErrorForEveryCommand) {
  const std::string out = out_.string();
  const auto expected = tunebench({"report", "nope", "--out", out}, dir_.path());
  ASSERT_EQ(expected.exit_code, 2);
  EXPECT_NE(expected.err.find("no sweep named \"nope\""), std::string::npos) << expected.err;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"runs", "--sweep", "nope", "--out", out},
                                             {"status", "--sweep", "nope", "--once", "--out", out},
                                             {"export", "runs", "--sweep", "nope", "--out", out}}) {
    const auto r = tunebench(args, dir_.path());
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << r.out;
    EXPECT_EQ(r.err, expected.err) << args[0];
    EXPECT_EQ(r.out, "") << args[0];
  }
}

TEST_F(ReportCli, BadInputExitsWithTwoAndWritesNothing) {
  const std::string out = out_.string();
  const fs::path empty = dir_.path() / "empty";
  fs::create_directories(empty);
  { Store store(empty / "tunebench.sqlite"); }
  const fs::path tolerances = dir_.path() / "tol.json";
  write_file_atomically(tolerances, R"({"metrics": {"task_accuracy f1": {"tolerance": 0.02}}})");
  std::vector<std::vector<std::string>> cases = {
      {"report", "nope", "--out", out},
      {"report", "--out", empty.string()},
      {"report", "--out", (dir_.path() / "missing").string()},
      {"report", "fixture", "--method", "dora", "--out", out},
      {"report", "fixture", "--method", "x' OR '1'='1", "--out", out},
      {"compare", "full_ft", "--out", out},
      {"compare", "full_ft", "dora", "--out", out},
      {"compare", "full_ft", "lora", "--suite", "reasoning", "--out", out},
      {"export", "tables", "--out", out},
      {"export", "runs", "--format", "xlsx", "--out", out},
      {"export", "items", "--method", "dora", "--out", out},
      {"regress", "--baseline", out, "--candidate", out, "--tolerances", tolerances.string()},
      {"regress", "--baseline", out, "--candidate", out, "--tolerances", (dir_.path() / "none.json").string()},
      {"regress", "--baseline", "nope", "--candidate", out, "--tolerances", tolerances.string(), "--out", out},
      {"regress", "--baseline", tolerances.string(), "--candidate", out, "--tolerances", tolerances.string()},
  };
  // An SQLite file that tunebench did not make is refused, and left as it was.
  const fs::path foreign = dir_.path() / "foreign.sqlite";
  {
    Database db(foreign);
    db.exec("CREATE TABLE notes (text TEXT)");
  }
  cases.push_back({"regress", "--baseline", foreign.string(), "--candidate", out, "--tolerances", tolerances.string()});
  for (const auto& args : cases) {
    const auto r = tunebench(args, dir_.path());
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("tunebench: error: "), std::string::npos) << joined << r.err;
  }
  EXPECT_EQ(sql_int(foreign, "SELECT count(*) FROM sqlite_master WHERE name = 'runs'"), 0);
  EXPECT_FALSE(fs::exists(out_ / "reports"));
  EXPECT_FALSE(fs::exists(empty / "reports"));
}

TEST_F(ReportCli, ReplacesOnlyAReportFolderItWrote) {
  const fs::path notes = dir_.path() / "notes.txt";
  write_file_atomically(notes, "mine");
  // The output folder itself (its store, runs, models) and a file of the user's stay as they are.
  for (const fs::path& to : {out_, notes}) {
    const auto r =
        tunebench({"report", "fixture", "--out", out_.string(), "--to", to.string()}, dir_.path());
    EXPECT_EQ(r.exit_code, 2) << to << r.err;
    EXPECT_NE(r.err.find("the report replaces only a report folder tunebench wrote"),
              std::string::npos)
        << r.err;
  }
  EXPECT_TRUE(fs::exists(out_ / "tunebench.sqlite"));
  EXPECT_EQ(read_file(notes), "mine");
  EXPECT_FALSE(fs::exists(out_ / "reports"));
}

TEST_F(ReportCli, SaysWhatIsWrongWithAStore) {
  const std::string whole = read_file(out_ / "tunebench.sqlite");
  const std::vector<std::pair<std::string, std::string>> damaged = {
      {whole.substr(0, whole.size() / 2), "truncated ("},
      {whole.substr(0, 40), "truncated ("},
      {"name,accuracy\nlora,0.9\n", "not an SQLite database"},
  };
  for (size_t i = 0; i < damaged.size(); ++i) {
    const fs::path folder = dir_.path() / ("damaged" + std::to_string(i));
    fs::create_directories(folder);
    write_file_atomically(folder / "tunebench.sqlite", damaged[i].first);
    for (const char* command : {"report", "runs", "status"}) {
      const auto r = tunebench({command, "--out", folder.string()}, dir_.path());
      EXPECT_EQ(r.exit_code, 2) << command << r.err;
      EXPECT_NE(r.err.find("tunebench.sqlite: " + damaged[i].second), std::string::npos)
          << command << r.err;
    }
  }
}

TEST_F(ReportCli, ReadersReadAReadOnlyStoreAndNameAnUnreadableOne) {
  const fs::path db = out_ / "tunebench.sqlite", written = dir_.path() / "public";
  fs::create_directories(written);
  fs::permissions(written, fs::perms::all);  // where the unprivileged report may write
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(out_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                            fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
  const std::vector<std::vector<std::string>> readers = {
      {"report", "fixture", "--out", out_.string(), "--to", (written / "r").string()},
      {"status", "--out", out_.string(), "--once"},
      {"runs", "--out", out_.string()},
      {"export", "evals", "--out", out_.string()},
      {"compare", "full_ft", "lora", "--out", out_.string()},
  };
  for (const auto& args : readers) {
    const auto r = tunebench_unprivileged(args, dir_.path());
    if (!r) GTEST_SKIP() << "running as root without setpriv: permissions cannot take effect";
    EXPECT_EQ(r->exit_code, 0) << args[0] << r->err;
  }
  EXPECT_TRUE(fs::exists(written / "r" / "index.html"));
  const fs::path spec = write_spec(dir_.path(), small_spec());
  auto r = tunebench_unprivileged({"run", spec.string(), "--out", out_.string()}, dir_.path());
  EXPECT_EQ(r->exit_code, 2) << r->err;
  EXPECT_NE(r->err.find("tunebench.sqlite: read-only here ("), std::string::npos) << r->err;
  fs::permissions(db, fs::perms::none);
  r = tunebench_unprivileged({"report", "--out", out_.string()}, dir_.path());
  EXPECT_EQ(r->exit_code, 2) << r->err;
  EXPECT_NE(r->err.find("tunebench.sqlite: cannot be read (Permission denied)"), std::string::npos)
      << r->err;
  fs::permissions(out_, fs::perms::owner_all);  // so the scratch folder can be removed
  fs::permissions(db, fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(ReportCli, NamesFromAnOlderStoreCannotDriveTheTerminal) {
  const fs::path old = dir_.path() / "old";
  fs::create_directories(old);
  const std::string hostile = "evil\x1b]0;owned\x07\x1b[2J";
  write_fixture_sweep(old / "tunebench.sqlite", hostile, fixture_runs());
  {
    Database db(old / "tunebench.sqlite");
    db.exec("UPDATE runs SET failure_reason = 'boom\x1b[31m' WHERE status = 'failed'");
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"status", "--out", old.string(), "--once"},
           {"runs", "--out", old.string()},
           {"report", "--out", old.string(), "--to", (dir_.path() / "r").string()},
           {"report", "nope", "--out", old.string()},  // the error lists the sweeps there
       }) {
    const auto r = tunebench(args, dir_.path());
    EXPECT_EQ(r.out.find_first_of("\x1b\x07"), std::string::npos) << args[0] << r.out;
    EXPECT_EQ(r.err.find_first_of("\x1b\x07"), std::string::npos) << args[0] << r.err;
    EXPECT_NE((r.out + r.err).find("evil\\x1b]0;owned\\x07\\x1b[2J"), std::string::npos)
        << args[0] << r.out << r.err;
  }
}

}  // namespace
}  // namespace tb::testing
