package dev.ember.local;

import dev.ember.cli.CliEnvironment;
import dev.ember.cli.EmberCli;

import picocli.CommandLine;

/**
 * {@code ember COMMAND}: the CLI's commands ({@code deployment}, {@code model}, {@code chat}, ...) and, next to them,
 * this launcher's {@code up} and {@code simulate}, behind one entry point. A bad command or flag prints usage and
 * exits with 2; the other exit codes are the CLI's ({@link dev.ember.cli.ExitCodes}).
 */
final class LauncherCommand {

    private LauncherCommand() {
    }

    static CommandLine commandLine(CliEnvironment environment) {
        return EmberCli.commandLine(environment, new UpCommand(), new SimulateCommand());
    }

    static int run(String[] args) {
        return commandLine(CliEnvironment.system()).execute(args);
    }
}
