package dev.taskhub.samples.demo;

import picocli.CommandLine;

/**
 * {@code ./taskhub demo}. Points logback at the demo's own configuration before anything logs: the
 * server and the sample each bring a {@code logback.xml}, and the demo should not pick one at
 * random (or warn that there are two).
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "taskhub-demo-logback.xml");
    }
    int exitCode = new CommandLine(new DemoCommand()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }
}
