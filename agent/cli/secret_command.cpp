// `contractsync-agent secret set|list|delete NAME`: the encrypted secret store
// that `{"secret": NAME}` references in the config read from
// (agent/secrets/secret_store.hpp). Values come from standard input or a
// terminal with echo off, never from the command line, and are never printed.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agent/cli/command.hpp"
#include "agent/platform/console.hpp"
#include "agent/secrets/secret_store.hpp"

namespace cs::agent {
namespace {

constexpr std::size_t kMaxSecretBytes = 64u << 10;

struct SecretArgs {
    std::string name;
    bool json = false;
};

int set_secret(const CommandContext& ctx, const SecretArgs& args) {
    if (auto st = secrets::check_secret_name(args.name); !st) {
        return fail(st.error());
    }
    auto config = ctx.load_config();
    if (!config) {
        return fail(config.error());
    }
    auto value = platform::read_secret_input(fmt::format("value of secret {}: ", args.name),
                                             kMaxSecretBytes);
    if (!value) {
        return fail(value.error());
    }
    auto store = secrets::SecretStore::open(config->secrets, true);
    if (!store) {
        platform::wipe(*value);
        return fail(store.error());
    }
    auto st = store->set(args.name, *value);
    platform::wipe(*value);
    if (!st) {
        return fail(st.error());
    }
    fmt::print("secret {} stored in {}\n", args.name, config->secrets.file().string());
    return kExitOk;
}

int list_secrets(const CommandContext& ctx, const SecretArgs& args) {
    auto config = ctx.load_config();
    if (!config) {
        return fail(config.error());
    }
    std::error_code ec;
    std::vector<secrets::SecretEntry> entries;
    // No store yet is an empty list, not an error.
    if (std::filesystem::exists(config->secrets.file(), ec)) {
        auto store = secrets::SecretStore::open(config->secrets, false);
        if (!store) {
            return fail(store.error());
        }
        auto listed = store->list();
        if (!listed) {
            return fail(listed.error());
        }
        entries = std::move(*listed);
    }
    if (args.json) {
        auto out = nlohmann::json::array();
        for (const auto& e : entries) {
            out.push_back({{"name", e.name}, {"updated_at", e.updated_at}});
        }
        fmt::print("{}\n", out.dump(2));
        return kExitOk;
    }
    if (entries.empty()) {
        fmt::print("no secrets in {}\n", config->secrets.file().string());
    }
    for (const auto& e : entries) {
        fmt::print("{}  (set {})\n", e.name, e.updated_at);
    }
    return kExitOk;
}

int delete_secret(const CommandContext& ctx, const SecretArgs& args) {
    auto config = ctx.load_config();
    if (!config) {
        return fail(config.error());
    }
    auto store = secrets::SecretStore::open(config->secrets, false);
    if (!store) {
        return fail(store.error());
    }
    auto removed = store->remove(args.name);
    if (!removed) {
        return fail(removed.error());
    }
    if (!*removed) {
        return fail(make_error(ErrorCode::not_found, "secret '{}' is not in the store {}",
                               args.name, config->secrets.file().string()));
    }
    fmt::print("secret {} deleted\n", args.name);
    return kExitOk;
}

}  // namespace

void add_secret_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "secret",
        "Manage the encrypted secret store that {\"secret\": NAME} references in the config "
        "read from (site key, P21 passwords)");
    sub->require_subcommand(1);
    auto args = std::make_shared<SecretArgs>();

    auto* set = sub->add_subcommand(
        "set",
        "Store a secret: the value is read from standard input, or typed twice at a "
        "terminal without echo; it never goes on the command line");
    add_config_option(*set, ctx);
    set->add_option("name", args->name, "Secret name (letters, digits, . _ -)")->required();
    set->callback(
        [&ctx, &runner, args] { runner = [&ctx, args] { return set_secret(ctx, *args); }; });

    auto* list = sub->add_subcommand("list", "List the names of stored secrets (never values)");
    add_config_option(*list, ctx);
    list->add_flag("--json", args->json, "Machine-readable output");
    list->callback(
        [&ctx, &runner, args] { runner = [&ctx, args] { return list_secrets(ctx, *args); }; });

    auto* del = sub->add_subcommand("delete", "Remove a secret from the store");
    add_config_option(*del, ctx);
    del->add_option("name", args->name, "Secret name")->required();
    del->callback(
        [&ctx, &runner, args] { runner = [&ctx, args] { return delete_secret(ctx, *args); }; });
}

}  // namespace cs::agent
