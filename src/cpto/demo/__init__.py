"""A generated, deterministic demo workspace ("Acme Checkout") for trying cpto without real data."""

from cpto.demo.builder import DemoSummary, build_demo

__all__ = ["DemoSummary", "build_demo"]
