#include "tests/agent/ship/child_process.hpp"

#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace cs::agent::ship::testing {
namespace {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

ChildProcess::ChildProcess(const std::filesystem::path& program,
                           const std::vector<std::string>& args,
                           const std::filesystem::path& output_dir, const std::string& name,
                           const std::vector<std::string>& env) {
    out_ = output_dir / (name + ".stdout");
    err_ = output_dir / (name + ".stderr");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> vars;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string_view var(*e);
        bool replaced = false;
        for (const auto& extra : env) {
            auto eq = extra.find('=');
            if (var.substr(0, var.find('=')) == std::string_view(extra).substr(0, eq)) {
                replaced = true;
            }
        }
        if (!replaced) {
            vars.emplace_back(var);
        }
    }
    vars.insert(vars.end(), env.begin(), env.end());
    std::string program_text = program.string();
    std::vector<char*> argv{program_text.data()};
    std::vector<std::string> arg_copies(args);
    for (auto& a : arg_copies) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& v : vars) {
        envp.push_back(v.data());
    }
    envp.push_back(nullptr);
    int rc = posix_spawn(&pid_, program_text.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(rc, 0) << "cannot start " << program_text;
    if (rc != 0) {
        pid_ = -1;
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !exited_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) {
        return -1;
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

void ChildProcess::signal(int sig) {
    if (pid_ > 0 && !exited_) {
        ::kill(pid_, sig);
    }
}

std::string ChildProcess::out() const {
    return slurp(out_);
}
std::string ChildProcess::err() const {
    return slurp(err_);
}

std::pair<int, std::string> run_program(const std::filesystem::path& program,
                                        const std::vector<std::string>& args,
                                        const std::filesystem::path& output_dir,
                                        const std::vector<std::string>& env,
                                        std::chrono::milliseconds timeout) {
    ChildProcess child(program, args, output_dir, program.filename().string(), env);
    int rc = child.wait(timeout);
    EXPECT_EQ(rc, 0) << program.filename().string() << " failed: " << child.err();
    return {rc, child.out()};
}

}  // namespace cs::agent::ship::testing
