"""The site around the domain packages: the home page, the grouped main menu, the template
context every page gets, and the health and ping answers. It may read from every package; no
package imports it."""
