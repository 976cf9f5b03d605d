package io.cup.launcher;

/** A verticle of {@code verticles/} failed to deploy; the server did not start. */
public class DeploymentException extends RuntimeException {
  private final transient VerticleDescriptor descriptor;

  public DeploymentException(VerticleDescriptor descriptor, Throwable cause) {
    super(describe(descriptor, cause), cause);
    this.descriptor = descriptor;
  }

  public VerticleDescriptor descriptor() {
    return descriptor;
  }

  private static String describe(VerticleDescriptor descriptor, Throwable cause) {
    String reason;
    if (cause instanceof ClassNotFoundException) {
      reason = "class " + descriptor.className() + " not found";
    } else if (cause.getMessage() == null || cause.getMessage().isBlank()) {
      reason = cause.getClass().getName();
    } else {
      reason = cause.getMessage();
    }
    return "verticle \""
        + descriptor.name()
        + "\" ("
        + descriptor.className()
        + ", "
        + descriptor.file()
        + ") failed to start: "
        + reason;
  }
}
