public enum PlaceholderHTTP {}
