package dev.ember.cli;

import picocli.CommandLine.Option;

/** A command that changes something, and so can show what it would send instead: {@code --dry-run}. */
public abstract class MutatingCommand extends ApiCommand {

    @Option(names = "--dry-run", description = "Print the request that would be sent (method, URL, JSON body) and send nothing.")
    boolean dryRun;

    @Override
    protected boolean dryRun() {
        return dryRun;
    }
}
