"""The demo portfolio that `keystage demo` loads, one module per stage or app.

:mod:`keystage.demo.portfolio` creates the organisation, the people and the projects,
takes them through their gates and calls the other modules for each stage's records
(initiation, resources, scope, plan, staffing, budget, baseline). Every record goes
through the same services as the web app. The other modules import nothing from here.
"""
