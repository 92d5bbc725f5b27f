#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace cs::agent::ship::testing {

// A program run as a child process with its output in files, for tests that
// drive the real binaries. The environment is this process's plus `env`
// (NAME=value entries replace inherited ones). A child still running when
// this is destroyed is killed.
class ChildProcess {
public:
    ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                 const std::filesystem::path& output_dir, const std::string& name,
                 const std::vector<std::string>& env = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // The exit code (128 + signal when killed), or -1 if it did not exit in time.
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    void signal(int sig);
    std::string out() const;
    std::string err() const;

private:
    pid_t pid_ = -1;
    bool exited_ = false;
    std::filesystem::path out_;
    std::filesystem::path err_;
};

// Runs a program to completion; returns its exit code and stdout.
std::pair<int, std::string> run_program(
    const std::filesystem::path& program, const std::vector<std::string>& args,
    const std::filesystem::path& output_dir, const std::vector<std::string>& env = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace cs::agent::ship::testing
