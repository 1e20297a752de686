"""The app's pages, by what they are about: :mod:`case`, :mod:`decisions`, :mod:`files`."""
