package dev.ember.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the API: its global flags resolved into a {@link Session}, then {@link #run}. */
public abstract class ApiCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Mixin
    protected GlobalOptions global;

    /** Whether requests are printed instead of sent; see {@link MutatingCommand}. */
    protected boolean dryRun() {
        return false;
    }

    @Override
    public final Integer call() throws Exception {
        CommandLine line = spec.commandLine();
        Session session = new Session(EmberCli.environmentOf(spec), line.getOut(), line.getErr(), global, dryRun());
        return run(session);
    }

    protected abstract int run(Session session) throws Exception;

    protected CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
