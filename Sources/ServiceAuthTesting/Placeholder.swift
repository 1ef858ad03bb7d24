public enum ServiceAuthTestingPlaceholder {}
