/// The local issuer module (filled in by the local-issuer work).
public enum ServiceAuthIdPModule {}
