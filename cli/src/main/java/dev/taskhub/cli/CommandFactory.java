package dev.taskhub.cli;

import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Makes picocli's command objects, handing each client command the session it runs in. */
final class CommandFactory implements IFactory {
  private final IFactory defaults = CommandLine.defaultFactory();
  private final Session session;

  CommandFactory(Session session) {
    this.session = session;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    K made = defaults.create(type);
    if (made instanceof ClientCommand command) {
      command.session = session;
    }
    return made;
  }
}
