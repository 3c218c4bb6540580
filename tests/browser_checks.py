"""Checks shared by the browser tests."""


def serious_accessibility_violations(server, page):
    """axe-core (served from npm under /vendor) run on the page: its serious and critical findings."""
    page.add_script_tag(url=server.url + "/vendor/axe-core/axe.min.js")
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                                .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")
