#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: wait_http
short_description: Wait in one call until each of several URLs answers GET with a status
version_added: 0.3.0
description:
  - Asks each URL with GET, again every O(delay) seconds, until each has answered with
    O(status_code) or O(timeout) seconds have passed, all URLs together. Fails naming those that
    did not answer so.
  - One call for a server and all its queue workers, where M(ansible.builtin.uri) with C(until)
    takes one per URL. Changes nothing.
extends_documentation_fragment:
  - langgraph_ops.standalone.module
options:
  urls:
    description: The URLs, C(http://) or C(https://); a redirect is not followed.
    type: list
    elements: str
    required: true
  status_code:
    description: The status each must answer with.
    type: int
    default: 200
  timeout:
    description: Seconds to wait for all of them.
    type: int
    default: 60
  delay:
    description: Seconds between two rounds of requests.
    type: float
    default: 2
  request_timeout:
    description: Seconds one request may take, at most the time left.
    type: float
    default: 5
"""

EXAMPLES = r"""
- name: Wait for the server and its queue workers to answer GET /ok
  langgraph_ops.standalone.wait_http:
    urls: [http://127.0.0.1:8123/ok, http://127.0.0.1:8101/ok]
    timeout: 120
"""

RETURN = r"""
answers:
  description: Each URL with the status it answered with last; 0 when it gave no answer.
  returned: always
  type: dict
  sample: {"http://127.0.0.1:8123/ok": 200, "http://127.0.0.1:8101/ok": 0}
failed_urls:
  description: The URLs that did not answer with O(status_code), in the order given.
  returned: always
  type: list
  elements: str
elapsed:
  description: Seconds the wait took.
  returned: always
  type: float
"""

import http.client
import time
import urllib.error
import urllib.request

from ansible.module_utils.basic import AnsibleModule


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def status_of(opener, url, timeout):
    """The status the URL answers GET with; 0 without an answer."""
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError, http.client.HTTPException):
        return 0


def wait(urls, status_code, timeout, delay, request_timeout, clock=time.monotonic, sleep=time.sleep):
    """Poll until every URL answered with status_code or the time is up; each URL's last status."""
    opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))
    answers = dict.fromkeys(urls, 0)
    deadline = clock() + timeout
    while True:
        for url in urls:
            if answers[url] != status_code:
                answers[url] = status_of(opener, url, max(0.1, min(request_timeout, deadline - clock())))
        if all(status == status_code for status in answers.values()) or clock() + delay > deadline:
            return answers
        sleep(delay)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            urls=dict(type="list", elements="str", required=True),
            status_code=dict(type="int", default=200),
            timeout=dict(type="int", default=60),
            delay=dict(type="float", default=2),
            request_timeout=dict(type="float", default=5),
        ),
        supports_check_mode=True,
    )
    params = module.params
    started = time.monotonic()
    answers = wait(params["urls"], params["status_code"], params["timeout"], params["delay"], params["request_timeout"])
    failed = [url for url in params["urls"] if answers[url] != params["status_code"]]
    result = dict(changed=False, answers=answers, failed_urls=failed, elapsed=round(time.monotonic() - started, 2))
    if failed:
        module.fail_json(
            msg=f"no {params['status_code']} within {params['timeout']} s from "
                + ", ".join(f"{url} (last: {answers[url] or 'no answer'})" for url in failed),
            **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
