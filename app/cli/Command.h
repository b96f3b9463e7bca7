#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace db {
struct Tenant;
} // namespace db

namespace cli {

class CliContext;

// gmail-sync's exit status: 0 success, 1 the operation failed (one line on stderr), 2 usage error.
enum ExitCode : int { ExitSuccess = 0, ExitFailure = 1, ExitUsage = 2 };

// One `gmail-sync <name> ...` command. To add one: write FooCommand.h/.cpp deriving from Command, put
// GSA_REGISTER_COMMAND(FooCommand) in the .cpp, and append the files to cli_lib in app/cli/CMakeLists.txt.
class Command {
public:
    Command() = default;
    virtual ~Command() = default;
    Command(const Command &) = delete;
    Command &operator=(const Command &) = delete;

    // One or more words, e.g. "migrate" or "tenant add" (a group word like "tenant" lists its commands).
    virtual QString name() const = 0;
    // One line for `gmail-sync help`.
    virtual QString summary() const = 0;
    // What follows the name in the usage line, e.g. "<tenant-id> --email <address> [--name <text>]".
    virtual QString synopsis() const { return {}; }
    // args: everything after the command name. Returns an ExitCode.
    virtual int run(CliContext &context, const QStringList &args) = 0;

    QString usage() const;

protected:
    // Parses args with `parser` (to which this adds --help and the global options, so those may also
    // follow the command; they override the ones before it). Returns -1 when the command should go on,
    // otherwise the exit code to return: --help printed (0) or a usage error reported (2).
    // Positional arguments must number between minPositional and maxPositional (-1: no limit).
    int parse(CliContext &context, QCommandLineParser &parser, const QStringList &args, int minPositional = 0,
              int maxPositional = 0) const;
    // For commands on one tenant: parse() with exactly one positional argument (the tenant id, put in
    // *tenantId), then opens the database. Same return convention as parse().
    int parseForTenant(CliContext &context, QCommandLineParser &parser, const QStringList &args,
                       QString *tenantId) const;
    // parseForTenant(), and the tenant must exist: *tenant is its row; a missing one is reported
    // (CliContext::failTenant). Same return convention as parse().
    int parseForExistingTenant(CliContext &context, QCommandLineParser &parser, const QStringList &args,
                               db::Tenant *tenant) const;
};

// Commands register themselves at static-initialisation time (cli_lib is an OBJECT library, so
// their translation units are always linked in).
class CommandRegistry final {
public:
    using Factory = std::function<std::unique_ptr<Command>()>;
    static bool add(Factory factory);
    // A fresh instance of every registered command, sorted by name.
    static std::vector<std::unique_ptr<Command>> createAll();
};

} // namespace cli

#define GSA_COMMAND_CONCAT2(a, b) a##b
#define GSA_COMMAND_CONCAT(a, b) GSA_COMMAND_CONCAT2(a, b)
// Put once in a command's .cpp, outside any namespace: GSA_REGISTER_COMMAND(cli::FooCommand)
#define GSA_REGISTER_COMMAND(Class)                                                                          \
    namespace {                                                                                              \
    [[maybe_unused]] const bool GSA_COMMAND_CONCAT(gsaRegisteredCommand,                                     \
                                                   __COUNTER__) = ::cli::CommandRegistry::add([] {           \
        return std::unique_ptr<::cli::Command>(new Class);                                                   \
    });                                                                                                      \
    }
