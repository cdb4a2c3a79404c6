# Another build of the lab image, for upgrade tests: VARIANT=b gives a graph
# that answers with "variant": "b"; VARIANT=broken gives one that fails to
# load, so the server exits at start. Built from the lab image on the host
# that runs it, without network:
#
#   docker build --network none --build-arg VARIANT=b -t langgraph-lab/server:b \
#     -f variant.Dockerfile .
ARG BASE_IMAGE=langgraph-lab/server:latest
FROM ${BASE_IMAGE}
ARG VARIANT
USER root
RUN case "$VARIANT" in \
      broken) printf '\nraise RuntimeError("lab image %s: its graph fails on purpose")\n' "$VARIANT" >>/deps/graph/agent.py ;; \
      [a-z]*) sed -i "s/^GRAPH_VARIANT = .*/GRAPH_VARIANT = \"$VARIANT\"/" /deps/graph/agent.py \
              && grep -q "^GRAPH_VARIANT = \"$VARIANT\"$" /deps/graph/agent.py ;; \
      *) echo "VARIANT must be a lower-case name" >&2; exit 1 ;; \
    esac
USER 1000:1000
