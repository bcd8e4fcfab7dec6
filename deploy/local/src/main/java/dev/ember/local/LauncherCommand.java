package dev.ember.local;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ember COMMAND}: the commands this launcher knows. A bad command or flag prints usage and exits with 2. */
@Command(name = "ember", synopsisSubcommandLabel = "COMMAND", description = "Runs Ember on this machine.", subcommands = {
        UpCommand.class, SimulateCommand.class, CommandLine.HelpCommand.class})
final class LauncherCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static int run(String[] args) {
        return new CommandLine(new LauncherCommand()).execute(args);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command.");
    }
}
