"""Shipped tooling that is not the product: the demo county and the CAD simulator.

They use the services' public faces like any other caller.
"""
